// Package browsertest holds tests that load the built site in a real
// browser: headless Chromium ($INCIDENTS_CHROMIUM, else chromium on PATH),
// which make test installs when missing. Without it they fail, so that a
// machine without a browser cannot pass them by accident; set
// INCIDENTS_SKIP_BROWSER=1 (make test-short does) to skip them instead.
package browsertest
