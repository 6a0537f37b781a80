package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/chromedp/chromedp"
)

// The statement pages, the admin's ledger and the statement's files, read the way
// the journey needs them.

// statement is what a statement page shows of its month, in whole pesos.
type statement struct {
	Gross, Refunds, Net int64
	Units               map[unitKey]unitRow
	Entries             [][]string // date, kind, reference, item, quantity, amount, share
}

// unitKey is a row of the statement's units table: a product and a size.
type unitKey struct{ title, size string }

type unitRow struct {
	Sold, Refunded int
	Gross, Refunds int64
}

// statementJS reads the figures (label -> value) and the rows of the units and entries
// tables.
const statementJS = `(() => {
	const text = el => el?.innerText.replace(/\s+/g, " ").trim() ?? "";
	const rows = sel => [...document.querySelectorAll(sel)].map(tr => [...tr.cells].map(text));
	return {
		figures: Object.fromEntries([...document.querySelectorAll("main .statement-figures .figure")]
			.map(f => [text(f.querySelector("dt")), text(f.querySelector("dd"))])),
		units: rows("main table.statement-units tbody tr"),
		entries: rows("main table.statement-entries tbody tr"),
	};
})()`

// rowsJS returns the cells' text of the rows the CSS selector finds.
func rowsJS(sel string) string {
	return fmt.Sprintf(`[...document.querySelectorAll(%s)].map(tr => [...tr.cells].map(c => c.innerText.replace(/\s+/g, " ").trim()))`, jsString(sel))
}

// readStatement reads the statement page the tab shows.
func readStatement(ctx context.Context) (statement, error) {
	raw, err := eval[struct {
		Figures map[string]string `json:"figures"`
		Units   [][]string        `json:"units"`
		Entries [][]string        `json:"entries"`
	}](ctx, statementJS)
	if err != nil {
		return statement{}, err
	}
	st := statement{Units: map[unitKey]unitRow{}, Entries: raw.Entries}
	for label, v := range map[string]*int64{"Ventas brutas": &st.Gross, "Devoluciones": &st.Refunds, "Ventas netas": &st.Net} {
		s, ok := raw.Figures[label]
		if !ok || pesos(s) < 0 {
			return statement{}, fmt.Errorf("the statement's figures %q have no amount %q", raw.Figures, label)
		}
		*v = pesos(s)
	}
	if st.Net != st.Gross-st.Refunds {
		return statement{}, fmt.Errorf("the statement's figures do not add up: %q", raw.Figures)
	}
	for _, r := range raw.Units { // product, size, sold, refunded, gross, refunds, net
		if len(r) != 7 {
			return statement{}, fmt.Errorf("a row of the units table reads %q, want 7 cells", r)
		}
		st.Units[unitKey{r[0], r[1]}] = unitRow{Sold: atoi(r[2]), Refunded: atoi(r[3]), Gross: pesos(r[4]), Refunds: pesos(r[5])}
	}
	for _, r := range raw.Entries {
		if len(r) != 7 {
			return statement{}, fmt.Errorf("a row of the entries table reads %q, want 7 cells", r)
		}
	}
	return st, nil
}

// wantEntries wants the statement to list one entry of kind for each line of order
// number, for the line's product, size and total, and no other entry of that kind.
func wantEntries(st statement, number, kind string, lines []orderLine) error {
	qty := "1"
	if kind == "Devolución" {
		qty = "-1"
	}
	n := 0
	for _, r := range st.Entries {
		if r[1] == kind && r[2] == number {
			n++
		}
	}
	if n != len(lines) {
		return fmt.Errorf("the statement lists %d entries %q of order %s, want %d: %q", n, kind, number, len(lines), st.Entries)
	}
	for _, l := range lines {
		item := l.Title + " — talla " + l.Size
		found := false
		for _, r := range st.Entries {
			if r[1] == kind && r[2] == number && r[3] == item && r[4] == qty && pesos(r[5]) == l.Total {
				found = true
			}
		}
		if !found {
			return fmt.Errorf("the statement has no entry %q of order %s for %s, %s piece, %d: %q", kind, number, item, qty, l.Total, st.Entries)
		}
	}
	return nil
}

var statementPath = regexp.MustCompile(`^/studio/statements/([0-9]+)/([0-9]{4}-[0-9]{2})$`)

// openStatement goes from the studio's navigation to "Estados de cuenta", checks the
// lead's workshop is listed with its chart and months, and opens this month's
// statement (the list's first row); it returns what the statement shows. The list and
// its navigation are checked the first time, the statement every time (its entries
// change).
func openStatement(ctx context.Context, j *ledgerJourney) (statement, error) {
	tb := j.lead
	if err := pressAndLoad(ctx, tb.vp, boNavLink("Estados de cuenta")); err != nil {
		return statement{}, err
	}
	if err := wantPath(ctx, "/studio/statements"); err != nil {
		return statement{}, err
	}
	if err := wantHeading(ctx, "Estados de cuenta"); err != nil {
		return statement{}, err
	}
	section := fmt.Sprintf(`//main//section[h2[normalize-space()=%q]]`, shoeWorkshop)
	months, err := eval[[][]string](ctx, fmt.Sprintf(`(() => {
		const s = document.evaluate(%s, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
		if (!s) return null;
		return [...s.querySelectorAll("table.statement-months tbody tr")].map(tr => [tr.querySelector("th a")?.getAttribute("href") ?? "", ...[...tr.cells].map(c => c.innerText.trim())]);
	})()`, jsString(section)))
	if err != nil {
		return statement{}, err
	}
	if len(months) == 0 {
		return statement{}, fmt.Errorf("the statements page lists no month of %s", shoeWorkshop)
	}
	m := statementPath.FindStringSubmatch(months[0][0])
	if m == nil || m[2] != j.month {
		return statement{}, fmt.Errorf("the first month listed for %s links to %q, want this month's statement (%s)", shoeWorkshop, months[0][0], j.month)
	}
	if err := wantChart(ctx, section, months); err != nil {
		return statement{}, err
	}
	if j.statement == "" {
		j.wantOneNavLink(ctx, tb, "Estados de cuenta")
		if err := j.check(ctx, tb, "bo-studio-statements"); err != nil {
			return statement{}, err
		}
	}
	j.workshopID, j.statement = m[1], months[0][0]
	label := months[0][1] // "marzo de 2026"
	if err := pressAndLoad(ctx, tb.vp, chromedp.Search(section+fmt.Sprintf(`//table//a[@href=%q]`, j.statement))); err != nil {
		return statement{}, err
	}
	if err := wantPath(ctx, j.statement); err != nil {
		return statement{}, err
	}
	if err := wantHeading(ctx, shoeWorkshop+" "+label); err != nil {
		return statement{}, err
	}
	st, err := readStatement(ctx)
	if err != nil {
		return statement{}, err
	}
	return st, j.check(ctx, tb, "bo-studio-statement")
}

// wantChart wants the workshop's chart to be an SVG image with a title, one bar per
// month of the table beside it, each bar titled with its month and net.
func wantChart(ctx context.Context, section string, months [][]string) error {
	bars, err := eval[[]string](ctx, fmt.Sprintf(`(() => {
		const s = document.evaluate(%s, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
		const svg = s.querySelector("figure.chart svg[role=img]");
		if (!svg || !svg.querySelector("title")?.textContent.trim()) return null;
		return [...svg.querySelectorAll("rect.chart-bar")].map(r => r.querySelector("title")?.textContent.trim() ?? "");
	})()`, jsString(section)))
	if err != nil {
		return err
	}
	if bars == nil {
		return fmt.Errorf("the statements page shows no titled SVG chart for %s", shoeWorkshop)
	}
	if len(bars) != len(months) {
		return fmt.Errorf("the chart of %s has %d bars, want one per month listed (%d)", shoeWorkshop, len(bars), len(months))
	}
	// The table is newest first; the bars oldest first. Row: href, month, units, net, share, production.
	for i, row := range months {
		if want := row[1] + ": " + row[3]; bars[len(bars)-1-i] != want {
			return fmt.Errorf("the chart's bar for %s is titled %q, want %q", row[1], bars[len(bars)-1-i], want)
		}
	}
	return nil
}

// wantOneNavLink fails the test, not the journey, unless the room's navigation has one
// link reading label, marked as the current page.
func (j *ledgerJourney) wantOneNavLink(ctx context.Context, tb *tab, label string) {
	got, err := eval[[]string](ctx, fmt.Sprintf(`[...document.querySelectorAll("main nav.bo-nav a")].filter(a => a.textContent.trim() === %s).map(a => a.getAttribute("aria-current") ?? "")`, jsString(label)))
	if err == nil && len(got) == 1 && got[0] == "page" {
		return
	}
	path, _ := currentPath(ctx)
	j.t.Errorf("the navigation of %s has %d links %q (aria-current: %q), want one, marked as the current page (%v)\n  screenshot: %s",
		path, len(got), label, got, err, tb.screenshot(filepathBase(j.shot)+"-nav"))
}

// openProduction follows the statement's link to the month's production record.
func openProduction(ctx context.Context, j *ledgerJourney) error {
	if err := pressAndLoad(ctx, j.lead.vp, `//main//a[normalize-space()="Registro de producción"]`); err != nil {
		return err
	}
	j.production = strings.Replace(j.statement, "/statements/", "/production/", 1)
	if err := wantPath(ctx, j.production); err != nil {
		return err
	}
	h1, err := visibleText(ctx, pageHeading)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(h1, shoeWorkshop+" ") {
		return fmt.Errorf("the production record's heading is %q, want %s and the month", h1, shoeWorkshop)
	}
	if _, err := visibleText(ctx, `//main//a[normalize-space()="Descargar registro en PDF"]`); err != nil {
		return err
	}
	return j.check(ctx, j.lead, "bo-studio-production")
}

// ledgerRow is a workshop's row of the admin's ledger.
type ledgerRow struct {
	Workshop                  string `json:"workshop"` // id
	Name, Gross, Refunds, Net string
}

// openAdminLedger goes from the admin's navigation to "Cuentas de talleres" (this
// month) and returns its workshops' rows.
func openAdminLedger(ctx context.Context, j *ledgerJourney) ([]ledgerRow, error) {
	if err := pressAndLoad(ctx, j.admin.vp, boNavLink("Cuentas de talleres")); err != nil {
		return nil, err
	}
	if err := wantPath(ctx, "/admin/ledger"); err != nil {
		return nil, err
	}
	if err := wantHeading(ctx, "Cuentas de los talleres"); err != nil {
		return nil, err
	}
	// workshop, units, gross, refunds, net, rate, share, foundation, payouts, balance
	rows, err := eval[[]ledgerRow](ctx, `[...document.querySelectorAll("main table.ledger-table tbody tr[data-workshop]")].map(tr => {
		const c = [...tr.cells].map(c => c.innerText.replace(/\s+/g, " ").trim());
		return {workshop: tr.dataset.workshop, Name: c[0], Gross: c[2], Refunds: c[3], Net: c[4]};
	})`)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("the ledger lists no workshop")
	}
	return rows, j.check(ctx, j.admin, "bo-admin-ledger")
}

// orderLine is a line of the admin's order page.
type orderLine struct {
	No, Title, Size, Workshop, Quantity string
	Total                               int64
}

// readOrderLines reads the admin's order page's lines: number, product (title, then
// "size · SKU"), workshop, unit price, quantity, tax, total.
func readOrderLines(ctx context.Context) ([]orderLine, error) {
	raw, err := eval[[][]string](ctx, `[...document.querySelectorAll("main table.order-lines tbody tr")].map(tr => {
		const t = el => el?.innerText.replace(/\s+/g, " ").trim() ?? "";
		const th = tr.querySelector("th");
		return [t(tr.cells[0]), th?.firstChild?.textContent.trim() ?? "", t(th?.querySelector(".small")), t(tr.cells[2]), t(tr.cells[4]), t(tr.cells[6])];
	})`)
	if err != nil {
		return nil, err
	}
	var out []orderLine
	for _, r := range raw {
		size, _, _ := strings.Cut(r[2], " · ")
		out = append(out, orderLine{No: r[0], Title: r[1], Size: size, Workshop: r[3], Quantity: r[4], Total: pesos(r[5])})
	}
	return out, nil
}

// wantPDF fetches href with the tab's session: a PDF file to download.
func wantPDF(ctx context.Context, tb *tab, href string) error {
	resp, body, err := tb.do(ctx, http.MethodGet, href, nil)
	if err != nil {
		return err
	}
	ct, cd := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition")
	if resp.StatusCode != http.StatusOK || ct != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) ||
		!strings.HasPrefix(cd, "attachment;") || !strings.HasSuffix(cd, `.pdf"`) {
		return fmt.Errorf("%s answered %d, %s, %q, %d bytes starting %q; want 200 and a PDF (%%PDF-) to download",
			href, resp.StatusCode, ct, cd, len(body), body[:min(len(body), 8)])
	}
	return nil
}

// wantEntriesCSV fetches the month's entries with the lead's session: a CSV with a row
// for each line sold and one for the line refunded, with their amounts.
func wantEntriesCSV(ctx context.Context, j *ledgerJourney, href string) error {
	resp, body, err := j.lead.do(ctx, http.MethodGet, href, nil)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		return fmt.Errorf("%s answered %d, %s; want 200 and a CSV", href, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	if err != nil || len(recs) < 2 {
		return fmt.Errorf("%s: not a CSV with a header and rows (%v):\n%s", href, err, body)
	}
	col := map[string]int{}
	for i, name := range recs[0] {
		col[name] = i
	}
	for _, name := range []string{"kind", "order", "line", "title", "size", "amount", "workshop_id"} {
		if _, ok := col[name]; !ok {
			return fmt.Errorf("%s has no column %q: %q", href, name, recs[0])
		}
	}
	got := map[string]int{}
	for _, r := range recs[1:] {
		if r[col["order"]] != j.buy.number {
			continue
		}
		if r[col["workshop_id"]] != j.workshopID {
			return fmt.Errorf("%s lists an entry of workshop %s: %q", href, r[col["workshop_id"]], r)
		}
		got[r[col["kind"]]+" "+r[col["line"]]+" "+r[col["title"]]+" "+r[col["size"]]+" "+r[col["amount"]]]++
	}
	want := map[string]int{}
	for _, l := range j.lines {
		want[fmt.Sprintf("sale %s %s %s %d.00", l.No, l.Title, l.Size, l.Total)]++
	}
	r := j.refunded
	want[fmt.Sprintf("refund %s %s %s -%d.00", r.No, r.Title, r.Size, r.Total)]++
	if fmt.Sprint(got) != fmt.Sprint(want) {
		return fmt.Errorf("%s lists the order's entries as %v, want %v (kind line title size amount)", href, got, want)
	}
	return nil
}
