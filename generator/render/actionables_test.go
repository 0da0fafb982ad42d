package render

import (
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/markdown"
)

func TestActionsInBody(t *testing.T) {
	items := []incident.Actionable{
		{Title: "Send the team's alerts to a channel someone watches", Owner: "ml-team"},
		{Title: "Rework the latency SLOs for the new metrics", Task: "T1234"},
	}
	toc := []markdown.Heading{{Level: 2, ID: "summary", Text: "Summary"}, {Level: 2, ID: "actionables", Text: "Actionables"}}
	const table = "<TABLE>"
	tests := []struct {
		name, body string
		want       string // "" for unchanged
	}{
		{"same items, in other words", `<h2 id="summary">Summary</h2>
<p>x</p>
<h2 id="actionables">Actionables</h2>
<ul>
<li>Deliver the team's alerts to a watched channel.</li>
<li>Fix the SLOs (T1234).</li>
</ul>
`, `<h2 id="summary">Summary</h2>
<p>x</p>
<h2 id="actionables">Actionables</h2>
<TABLE>
`},
		{"prose around the list stays", `<h2 id="actionables">Actionables</h2>
<p>Both were filed:</p>
<ol>
<li><p>Fix the SLOs: T1234</p><ul><li>nested</li></ul></li>
<li>Alerts to a channel someone watches</li>
</ol>
<p>Not filed: a runbook.</p>
<h2 id="after">After</h2>`, `<h2 id="actionables">Actionables</h2>
<p>Both were filed:</p>
<TABLE>
<p>Not filed: a runbook.</p>
<h2 id="after">After</h2>`},
		{"one item more", `<h2 id="actionables">Actionables</h2>
<ul>
<li>Alerts to a channel someone watches</li>
<li>T1234</li>
<li>Write a runbook</li>
</ul>
`, ""},
		{"other items", `<h2 id="actionables">Actionables</h2>
<ul>
<li>Write a runbook for the model servers</li>
<li>Add a canary cluster</li>
</ul>
`, ""},
		{"no list", `<h2 id="actionables">Actionables</h2>
<p>See the task.</p>
`, ""},
		{"the list is in the next section", `<h2 id="actionables">Actionables</h2>
<p>None.</p>
<h2 id="other">Other</h2>
<ul>
<li>Alerts to a channel someone watches</li>
<li>T1234</li>
</ul>
`, ""},
	}
	for _, tt := range tests {
		got, ok := actionsInBody([]byte(tt.body), toc, items, []byte(table))
		want := tt.want
		if want == "" {
			want = tt.body
		}
		if string(got) != want || ok != (tt.want != "") {
			t.Errorf("%s: got %v\n%s\nwant\n%s", tt.name, ok, got, want)
		}
	}
	if _, ok := actionsInBody([]byte("<h2 id=\"actionables\">Actionables</h2>\n<ul>\n<li>a</li>\n</ul>\n"), toc, nil, []byte(table)); ok {
		t.Error("a body list was replaced though the front matter has no items")
	}
}

func TestActionTableLeavesOutEmptyColumns(t *testing.T) {
	rows := []actionRow{{Title: "a", Owner: "ml-team", Status: "open"}, {Title: "b", Owner: "Ana Berg", Status: "done"}}
	got := string(actionTable(rows))
	if strings.Contains(got, ">Task<") || strings.Contains(got, `class="task"`) {
		t.Errorf("a Task column without tasks:\n%s", got)
	}
	if !strings.Contains(got, `<td class="owner">ml-team</td>`) || !strings.Contains(got, "<td>Ana Berg</td>") {
		t.Errorf("a one-token owner should be marked to stay on one line, a name not:\n%s", got)
	}
	rows[1].Task = "T1"
	if got := string(actionTable(rows)); strings.Count(got, `<td class="task">`) != 2 || !strings.Contains(got, ">Task<") {
		t.Errorf("with one task, every row has the Task column:\n%s", got)
	}
}
