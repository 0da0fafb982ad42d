// Package browsertest holds tests that load the built site in a real browser.
package browsertest
