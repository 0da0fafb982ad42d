// PLACEHOLDER (helper cli, issue 14): stand-ins for what helper sources
// writes in this package, so that cmd/incidents/import.go compiles and its
// tests run on branch h14-cli. The lead deletes this file at merge.

package mediawiki

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ReadExport calls fn with each page of a Special:Export file. (Placeholder.)
func ReadExport(r io.Reader, source string, fn func(Page) error) error {
	dec := xml.NewDecoder(r)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "page" {
			var p struct {
				Title    string `xml:"title"`
				Redirect struct {
					Title string `xml:"title,attr"`
				} `xml:"redirect"`
				Revision struct {
					ID        int64  `xml:"id"`
					Timestamp string `xml:"timestamp"`
					Text      string `xml:"text"`
				} `xml:"revision"`
			}
			if err := dec.DecodeElement(&p, &se); err != nil {
				return err
			}
			ts, _ := time.Parse(time.RFC3339, p.Revision.Timestamp)
			if err := fn(Page{Title: p.Title, RevisionID: p.Revision.ID, Timestamp: ts, Source: source, Text: p.Revision.Text, Redirect: p.Redirect.Title}); err != nil {
				return err
			}
		}
	}
}

// ReadFiles calls fn with each file of raw wikitext, titled by its name. (Placeholder.)
func ReadFiles(paths []string, fn func(Page) error) error {
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := fn(Page{Title: strings.TrimSuffix(filepath.Base(p), ".wiki"), Source: p, Text: string(data)}); err != nil {
			return err
		}
	}
	return nil
}

// Client reads pages through the Action API. (Placeholder.)
type Client struct {
	URL       string
	UserAgent string
}

// Pages calls fn with each page whose title starts with prefix. (Placeholder.)
func (c *Client) Pages(ctx context.Context, prefix string, since time.Time, fn func(Page) error) error {
	return errors.New("mediawiki.Client is a placeholder on this branch")
}
