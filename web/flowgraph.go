package web

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"

	"github.com/callgate/callgate/flows"
)

// Graph drawing, in SVG user units (pixels at 100%).
const (
	graphMargin   = 20
	graphNodeH    = 42
	graphGapX     = 36
	graphGapY     = 64
	graphCharW    = 7 // a monospace-ish estimate for box widths
	graphMinNodeW = 120
	graphBackBend = 48 // how far a back edge swings right of its nodes
)

// kindFill colours node boxes by kind (presentation attributes only: the
// SVG carries no style sheet and no script).
func kindFill(k flows.Kind) string {
	switch k {
	case flows.KindMenu, flows.KindCollect, flows.KindConsent:
		return "#ddf4ff" // waits for the caller
	case flows.KindVerify:
		return "#fff8c5"
	case flows.KindRoute, flows.KindTransfer, flows.KindCallback:
		return "#dafbe1"
	case flows.KindHangup:
		return "#ffebe9"
	default:
		return "#f6f8fa"
	}
}

// renderGraph draws a laid-out flow as a standalone SVG document. Every
// text is XML-escaped; the document has no script, style sheet, link or
// external reference, and is served as image/svg+xml for an <img>.
func renderGraph(g flows.Graph) []byte {
	nodeW := graphMinNodeW
	for _, n := range g.Nodes {
		nodeW = max(nodeW, graphCharW*(len(n.Name)+2), graphCharW*(len(n.Kind)+4))
	}
	colW := nodeW + graphGapX
	width := 2*graphMargin + max(g.Width, 1)*colW - graphGapX + 2*graphBackBend
	height := 2*graphMargin + max(g.Layers, 1)*(graphNodeH+graphGapY) - graphGapY
	layerSize := map[int]int{}
	for _, n := range g.Nodes {
		layerSize[n.Layer]++
	}
	type box struct{ x, y int }
	at := make(map[string]box, len(g.Nodes))
	for _, n := range g.Nodes {
		offset := (g.Width - layerSize[n.Layer]) * colW / 2
		at[n.Name] = box{graphMargin + offset + n.Index*colW, graphMargin + n.Layer*(graphNodeH+graphGapY)}
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" font-family="sans-serif">`,
		width, height, width, height)
	b.WriteString(`<title>`)
	escape(&b, fmt.Sprintf("flow %s version %d", g.ID, g.Version))
	b.WriteString(`</title>`)
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">` +
		`<path d="M 0 0 L 10 5 L 0 10 z" fill="#57606a"/></marker></defs>`)
	b.WriteString(`<rect width="100%" height="100%" fill="#ffffff"/>`)

	for _, e := range g.Edges {
		from, to := at[e.From], at[e.To]
		var x1, y1, x2, y2, lx, ly int
		b.WriteString(`<g class="edge" data-from="`)
		escape(&b, e.From)
		b.WriteString(`" data-to="`)
		escape(&b, e.To)
		b.WriteString(`">`)
		if e.Back {
			// Out of the source's right side, round to the target's right side.
			x1, y1 = from.x+nodeW, from.y+graphNodeH/2
			x2, y2 = to.x+nodeW, to.y+graphNodeH/2
			bend := graphBackBend + (from.y-to.y)/(graphNodeH+graphGapY)*6
			fmt.Fprintf(&b, `<path d="M %d %d C %d %d, %d %d, %d %d" fill="none" stroke="#8c959f" stroke-dasharray="5 3" marker-end="url(#arrow)"/>`,
				x1, y1, x1+bend, y1, x2+bend, y2, x2, y2)
			lx, ly = x1+6, y1-6 // beside where it leaves its source
		} else {
			x1, y1 = from.x+nodeW/2, from.y+graphNodeH
			x2, y2 = to.x+nodeW/2, to.y
			fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#57606a" marker-end="url(#arrow)"/>`, x1, y1, x2, y2)
			lx, ly = (x1+x2)/2+4, (y1+y2)/2
		}
		if e.Label != "" {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#0969da">`, lx, ly)
			escape(&b, e.Label)
			b.WriteString(`</text>`)
		}
		b.WriteString(`</g>`)
	}
	for _, n := range g.Nodes {
		p := at[n.Name]
		stroke, sw := "#57606a", "1"
		if n.Name == g.Entry {
			stroke, sw = "#1a7f37", "2.5"
		}
		b.WriteString(`<g class="node" data-node="`)
		escape(&b, n.Name)
		b.WriteString(`">`)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="6" fill="%s" stroke="%s" stroke-width="%s"/>`,
			p.x, p.y, nodeW, graphNodeH, kindFill(n.Kind), stroke, sw)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="13" font-weight="bold" text-anchor="middle" fill="#1b1f23">`, p.x+nodeW/2, p.y+18)
		escape(&b, n.Name)
		b.WriteString(`</text>`)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="middle" fill="#57606a">`, p.x+nodeW/2, p.y+34)
		escape(&b, string(n.Kind))
		if n.Line > 0 {
			escape(&b, " · line "+strconv.Itoa(n.Line))
		}
		b.WriteString(`</text></g>`)
	}
	b.WriteString(`</svg>`)
	return b.Bytes()
}

// escape writes s XML-escaped.
func escape(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(s)) // a bytes.Buffer does not fail
}

// handleFlowGraph draws a version of the flow (?version=N; the live one
// by default) or its draft (?draft=1) as SVG.
func (d *docAPI) handleGraph(w http.ResponseWriter, r *http.Request, p principal) {
	id := d.id(r)
	var src []byte
	version := 0
	if r.URL.Query().Get("draft") != "" {
		draft, ok, err := d.admin.Draft(r.Context(), id)
		if err != nil {
			d.fail(w, r, p, "graph", err)
			return
		}
		if !ok {
			d.s.writeError(w, fmt.Errorf("%w: no draft", ErrNotFound))
			return
		}
		src = draft.Source
	} else {
		n, err := versionParam(r)
		if err != nil {
			d.s.writeError(w, err)
			return
		}
		rec, err := d.admin.Get(r.Context(), id, n)
		if err != nil {
			d.fail(w, r, p, "graph", err)
			return
		}
		src, version = rec.Source, rec.Version
	}
	f, _ := flows.Parse(src) // stored sources parse: they were validated
	if f == nil {
		d.fail(w, r, p, "graph", fmt.Errorf("flow %q: stored source does not parse", id))
		return
	}
	f.Version = version
	w.Header().Set("Content-Type", "image/svg+xml")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(renderGraph(flows.Layout(f)))
}
