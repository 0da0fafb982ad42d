// html-validate's configuration for the tests that check the built site
// (generator/browsertest TestCheckers): the recommended rules, with an
// exception only where a rule is wrong for this site, each saying why.
export default {
  extends: ["html-validate:recommended"],
  rules: {
    // A report's page is titled "<report title> · <site title>". Authors
    // write report titles as full sentences (the bundled ones run to 87
    // characters), and the whole title is what a tab, a bookmark, a
    // screen reader and the Atom feed should show; the 70-character
    // advice is about what a search engine's result list fits, and search
    // engines cut titles themselves.
    "long-title": "off",
  },
};
