package markdown

import "testing"

func TestPlainSections(t *testing.T) {
	tests := []struct {
		name, md, summary, rest string
	}{
		{"sections", "## Summary\n\nThe **API** failed.\n\n## Timeline\n\n- 10:00 *paged*\n- 10:05 fixed\n", "The API failed.", "Timeline\n\n10:00 paged\n10:05 fixed"},
		{"no summary", "Some text.\n", "", "Some text."},
		{"summary ends at the next section", "# Summary\nA\n### Detail\nB\n## Impact\nC\n", "A\nDetail\nB", "Impact\nC"},
		{"links and images", "See [the task](https://x/T1) and ![graph](g.png) and <https://example.org>.\n", "", "See the task and graph and https://example.org."},
		{"code kept, fences dropped", "```\npanic: nil map\n```\nUse `retry_count`.\n", "", "panic: nil map\nUse retry_count."},
		{"tables", "| a | b |\n|---|:-:|\n| x | y |\n", "", "a b\nx y"},
		{"quotes, numbers and task boxes", "> quoted\n1. first\n- [x] done\n", "", "quoted\nfirst\ndone"},
		{"snake_case stays", "the _config_ of max_conns\n", "", "the config of max_conns"},
		{"html and footnotes", "a<br>b[^1]\n\n[^1]: note\n", "", "a b\n\nnote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum, rest := PlainSections([]byte(tt.md))
			if sum != tt.summary || rest != tt.rest {
				t.Errorf("got summary %q rest %q\nwant summary %q rest %q", sum, rest, tt.summary, tt.rest)
			}
		})
	}
}
