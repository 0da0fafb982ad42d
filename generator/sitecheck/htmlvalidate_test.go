package sitecheck

import (
	"os"
	"path/filepath"
	"testing"
)

// TestHTMLValidateFinds checks that the harness reports what the rules
// catch, so that a broken configuration or report format cannot pass the
// site checks by finding nothing: a page whose only fault is a search form
// without a submit button (WCAG H32, once on every page of the site), and
// the same page with the button.
func TestHTMLValidateFinds(t *testing.T) {
	SkipIfAsked(t)
	page := func(button string) string {
		return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>A form</title></head>
<body>
<main>
<form role="search" action="/search/"><label for="q">Search</label><input id="q" type="search" name="q">` + button + `</form>
</main>
</body>
</html>
`
	}
	for _, tc := range []struct {
		name, button, want string
	}{
		{"no button", "", "wcag/h32 1"},
		{"button", `<button type="submit">Search</button>`, "none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "page.html")
			if err := os.WriteFile(file, []byte(page(tc.button)), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := CountByRule(HTMLValidate(t, []string{file})); got != tc.want {
				t.Errorf("html-validate found %s, want %s", got, tc.want)
			}
		})
	}
}
