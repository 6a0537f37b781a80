package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/libres/storefront/internal/ledger"
)

// The revenue attribution journey: a sale of the demo lead's workshop reaches the
// lead's monthly statement when staff confirm the payment, and a line refunded by
// staff comes off it.

// The demo accounts (`libres seed demo`): the lead runs shoeWorkshop.
const (
	demoAdmin    = "admin@libres.example"
	demoLead     = "lead@libres.example"
	demoPassword = "Libres-demo-2026!"
)

// ledgerJourney carries what the journey learns for its next steps.
type ledgerJourney struct {
	t     *testing.T
	audit *liveAudit
	shot  string // the current step's screenshot, named in audit failures

	lead, admin *tab
	buy         *buyJourney // the shopper's tab, cart and order; buy.admin is admin

	month      string // YYYY-MM, this month in Bogotá
	statement  string // /studio/statements/ID/MONTH
	workshopID string
	title      string      // of the product bought
	lines      []orderLine // the order's lines, as staff see them
	refunded   orderLine   // the line staff refund
	before     statement   // this month before the sale
	afterSale  statement
	current    statement // after the refund
	otherWS    string    // another workshop's id, from the admin's ledger
	production string    // the production record's path
}

// ledgerStep is one thing someone does in the journey, in their own tab.
type ledgerStep struct {
	name string
	on   func(j *ledgerJourney) *tab
	do   func(ctx context.Context, j *ledgerJourney) error
}

func (j *ledgerJourney) leadTab() *tab  { return j.lead }
func (j *ledgerJourney) adminTab() *tab { return j.admin }
func (j *ledgerJourney) shopTab() *tab  { return j.buy.tab }

// runLedger is TestBrowser/ledger/desktop: the demo lead reads this month's statement
// of their workshop; a guest buys two sizes of one of its products by transfer; an
// admin finds the order and marks it paid; the lead's statement shows the two lines
// sold (gross and net up by their totals, a row per size, an entry per line); the
// admin refunds one line with the transfer's reference; the statement shows the
// refund (refunds up and net down by that line's total); the PDF, the entries CSV and
// the production record follow; the admin's ledger agrees; and another workshop's
// statement is a 404 for the lead. Each person has a browser context of their own.
// Each step ends with a full-page screenshot; a failed step is photographed as it
// stands and ends the journey. The statement pages and the admin's ledger are
// audited where the journey reaches them.
func runLedger(t *testing.T, s store, browser context.Context, a artifacts, audit *liveAudit) {
	vp := desktop
	own := func() *tab { return newTab(t, browser, vp, s.base, a.shots, chromedp.WithNewBrowserContext()) }
	j := &ledgerJourney{t: t, audit: audit, lead: own(), admin: own(),
		month: ledger.MonthStart(time.Now()).Format(monthLayout)}
	j.buy = &buyJourney{t: t, tab: own(), admin: j.admin,
		// These pages are the checkout part's to audit: no audit here.
		sh:    &shopper{s: s, browser: browser, a: a},
		email: fmt.Sprintf("comprador-ledger-%d@libres.test", time.Now().UnixNano())}
	steps := []ledgerStep{
		{"statement-before", (*ledgerJourney).leadTab, stepStatementBefore},
		{"product", (*ledgerJourney).shopTab, stepWorkshopProduct},
		{"cart", (*ledgerJourney).shopTab, stepTwoSizes},
		{"place", (*ledgerJourney).shopTab, stepPlaceTransfer},
		{"admin-order", (*ledgerJourney).adminTab, stepLedgerAdminOrder},
		{"admin-paid", (*ledgerJourney).adminTab, stepLedgerAdminPaid},
		{"statement-sale", (*ledgerJourney).leadTab, stepStatementSale},
		{"admin-refund", (*ledgerJourney).adminTab, stepAdminRefundLine},
		{"statement-refund", (*ledgerJourney).leadTab, stepStatementRefund},
		{"files", (*ledgerJourney).leadTab, stepStatementFiles},
		{"production", (*ledgerJourney).leadTab, stepProductionRecord},
		{"admin-ledger", (*ledgerJourney).adminTab, stepAdminLedger},
		{"other-workshop", (*ledgerJourney).leadTab, stepOtherWorkshop},
	}
	for i, st := range steps {
		name := fmt.Sprintf("ledger-%s-%02d-%s", vp.name, i+1, st.name)
		on := st.on(j)
		j.shot, j.buy.shot = on.shotPath(name), on.shotPath(name)
		start := time.Now()
		if err := on.run(func(ctx context.Context) error { return st.do(ctx, j) }); err != nil {
			shot := on.screenshot(name + "-FAILED")
			t.Fatalf("%s ledger journey, step %q failed at %s:\n  %v\n  screenshot: %s", vp.name, st.name, on.location(), err, shot)
		}
		t.Logf("%s (%s): %s", st.name, time.Since(start).Round(100*time.Millisecond), on.screenshot(name))
	}
}

// runLedgerPhone is TestBrowser/ledger/phone: the lead and an admin on phones open the
// same pages (statements, this month's statement, its production record; the ledger),
// which are audited there (axe and the reflow check).
func runLedgerPhone(t *testing.T, s store, browser context.Context, a artifacts, audit *liveAudit) {
	vp := phone
	j := &ledgerJourney{t: t, audit: audit,
		lead:  newTab(t, browser, vp, s.base, a.shots, chromedp.WithNewBrowserContext()),
		admin: newTab(t, browser, vp, s.base, a.shots, chromedp.WithNewBrowserContext()),
		month: ledger.MonthStart(time.Now()).Format(monthLayout)}
	steps := []ledgerStep{
		{"statements", (*ledgerJourney).leadTab, func(ctx context.Context, j *ledgerJourney) error {
			if err := logIn(ctx, j.lead, demoLead, "/studio", "Estudio"); err != nil {
				return err
			}
			_, err := openStatement(ctx, j)
			return err
		}},
		{"production", (*ledgerJourney).leadTab, func(ctx context.Context, j *ledgerJourney) error {
			return openProduction(ctx, j)
		}},
		{"admin-ledger", (*ledgerJourney).adminTab, func(ctx context.Context, j *ledgerJourney) error {
			if err := logIn(ctx, j.admin, demoAdmin, "/admin", "Administración"); err != nil {
				return err
			}
			_, err := openAdminLedger(ctx, j)
			return err
		}},
	}
	for i, st := range steps {
		name := fmt.Sprintf("ledger-%s-%02d-%s", vp.name, i+1, st.name)
		on := st.on(j)
		j.shot = on.shotPath(name)
		if err := on.run(func(ctx context.Context) error { return st.do(ctx, j) }); err != nil {
			shot := on.screenshot(name + "-FAILED")
			t.Fatalf("%s ledger pages, step %q failed at %s:\n  %v\n  screenshot: %s", vp.name, st.name, on.location(), err, shot)
		}
		t.Logf("%s: %s", st.name, on.screenshot(name))
	}
}

const monthLayout = "2006-01"

// check audits the page tb shows now, fetched with its session for vnu.
func (j *ledgerJourney) check(ctx context.Context, tb *tab, name string) error {
	path, err := currentPath(ctx)
	if err != nil {
		return err
	}
	return j.audit.check(ctx, j.t, tb, name, j.shot, func() ([]byte, error) { return tb.serverHTML(ctx, path) })
}

// stepStatementBefore: the demo lead logs in and reads this month's statement of
// their workshop as it stands before the sale (the demo orders may have sold there
// already this month).
func stepStatementBefore(ctx context.Context, j *ledgerJourney) error {
	if err := logIn(ctx, j.lead, demoLead, "/studio", "Estudio"); err != nil {
		return err
	}
	var err error
	j.before, err = openStatement(ctx, j)
	return err
}

// stepWorkshopProduct: a guest goes from the header's "Talleres" to the lead's
// workshop and opens its first product with two sizes in stock (not one the
// back-office journeys are publishing there at the same time: their stock is checked).
func stepWorkshopProduct(ctx context.Context, j *ledgerJourney) error {
	b := j.buy
	if err := navigateOK(ctx, b.tab.base+"/"); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, b.tab.vp, `//header//nav//a[normalize-space()="Talleres"]`); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, b.tab.vp, chromedp.Search(fmt.Sprintf(`//main//h3/a[normalize-space()=%q]`, shoeWorkshop))); err != nil {
		return err
	}
	if err := wantHeading(ctx, shoeWorkshop); err != nil {
		return err
	}
	var err error
	b.product, b.sizes, err = productWithSizes(ctx, b.tab, 2, func(href string) bool { return strings.Contains(href, "prueba") })
	if err != nil {
		return err
	}
	j.title, err = visibleText(ctx, pageHeading)
	return err
}

// stepTwoSizes: one of each of two sizes in the cart; each line says who made it.
func stepTwoSizes(ctx context.Context, j *ledgerJourney) error {
	if err := stepAddFirst(ctx, j.buy); err != nil {
		return err
	}
	if err := stepAddSecond(ctx, j.buy); err != nil {
		return err
	}
	lines, err := eval[[]cartLine](ctx, cartLinesJS)
	if err != nil {
		return err
	}
	for _, l := range lines {
		if !strings.HasSuffix(l.Details, "Hecho por "+shoeWorkshop) {
			return fmt.Errorf("cart line %q does not say it is made by %s", l.Details, shoeWorkshop)
		}
	}
	return nil
}

// stepPlaceTransfer: the checkout form filled at once (Bogotá), a transfer, the total,
// and the order placed.
func stepPlaceTransfer(ctx context.Context, j *ledgerJourney) error {
	b := j.buy
	if err := pressAndLoad(ctx, b.tab.vp, button("Continuar al pago")); err != nil {
		return err
	}
	if err := wantPath(ctx, "/pagar"); err != nil {
		return err
	}
	if err := chromedp.Do(ctx,
		typeInto(`#f-email`, b.email),
		typeInto(`#f-name`, "Daniela Prieto"),
		typeInto(`#f-phone`, "310 555 1234"),
		typeInto(`#f-city`, "Bogotá"),
		typeInto(`#f-address_line`, "Calle 26 # 13-19, oficina 402"),
	); err != nil {
		return fmt.Errorf("fill the form: %w", err)
	}
	if err := choose(ctx, "f-department", "Bogotá D.C."); err != nil {
		return err
	}
	if err := chromedp.Do(ctx,
		press(b.tab.vp, `//label[@for="pm-transfer"]`),
		press(b.tab.vp, `#f-accept_policy`),
	); err != nil {
		return fmt.Errorf("choose transfer and consent: %w", err)
	}
	if err := pressAndLoad(ctx, b.tab.vp, button("Ver el total")); err != nil {
		return err
	}
	t, err := readTotals(ctx, esTotals, "Gratis")
	if err != nil {
		return err
	}
	if t.subtotal != b.subtotal {
		return fmt.Errorf("the total shows products %d, want the cart's %d", t.subtotal, b.subtotal)
	}
	b.totals = t
	if err := pressAndLoad(ctx, b.tab.vp, button("Confirmar pedido")); err != nil {
		return err
	}
	if err := wantPath(ctx, "/pedido"); err != nil {
		return err
	}
	b.number, err = wantOrderPage(ctx, "Pedido ", "Esperando el pago")
	return err
}

// stepLedgerAdminOrder: an admin logs in and finds the order by its number (the
// checkout journey's step) and reads its lines: both of the lead's workshop, the sizes chosen.
func stepLedgerAdminOrder(ctx context.Context, j *ledgerJourney) error {
	if err := stepAdminOrders(ctx, j.buy); err != nil {
		return err
	}
	var err error
	if j.lines, err = readOrderLines(ctx); err != nil {
		return err
	}
	if len(j.lines) != 2 {
		return fmt.Errorf("the order shows %d lines %+v, want the 2 sizes bought", len(j.lines), j.lines)
	}
	chosen := map[string]bool{}
	for _, v := range j.buy.sizes[:2] {
		chosen[strings.Fields(v.Label)[0]] = true
	}
	var sum int64
	for i, l := range j.lines {
		if l.Title != j.title || !chosen[l.Size] || l.Workshop != shoeWorkshop || l.Quantity != "1" || l.Total <= 0 {
			return fmt.Errorf("order line %d reads %+v, want %s in one of the sizes chosen %v, 1 piece, by %s", i+1, l, j.title, chosen, shoeWorkshop)
		}
		delete(chosen, l.Size)
		sum += l.Total
	}
	if sum != j.buy.subtotal {
		return fmt.Errorf("the order's lines add up to %d, want the cart's %d", sum, j.buy.subtotal)
	}
	return nil
}

// stepLedgerAdminPaid: the transfer arrived (the checkout journey's step).
func stepLedgerAdminPaid(ctx context.Context, j *ledgerJourney) error {
	return stepAdminPaid(ctx, j.buy)
}

// stepStatementSale: the lead opens this month's statement again: the gross and the
// net grew by the two lines' totals (the shipping is the foundation's), each size has
// a row with one more sold, and each line is an entry of the order.
func stepStatementSale(ctx context.Context, j *ledgerJourney) error {
	st, err := openStatement(ctx, j)
	if err != nil {
		return err
	}
	b, sale := j.before, j.buy.subtotal
	if st.Gross != b.Gross+sale || st.Net != b.Net+sale || st.Refunds != b.Refunds {
		return fmt.Errorf("after the sale of %d the statement shows gross %d, refunds %d, net %d; want %d, %d, %d",
			sale, st.Gross, st.Refunds, st.Net, b.Gross+sale, b.Refunds, b.Net+sale)
	}
	for _, l := range j.lines {
		k := unitKey{l.Title, l.Size}
		was, now := b.Units[k], st.Units[k]
		if now.Sold != was.Sold+1 || now.Gross != was.Gross+l.Total || now.Refunded != was.Refunded {
			return fmt.Errorf("the units of %s size %s read %+v (before %+v), want one more sold for %d", l.Title, l.Size, now, was, l.Total)
		}
	}
	if err := wantEntries(st, j.buy.number, "Venta", j.lines); err != nil {
		return err
	}
	j.afterSale = st
	return nil
}

// stepAdminRefundLine: the second size did not fit; staff refund its line by transfer
// and type the transfer's reference.
func stepAdminRefundLine(ctx context.Context, j *ledgerJourney) error {
	j.refunded = j.lines[1]
	ref := "DEV-" + strings.TrimPrefix(j.buy.number, "LIB-")
	if err := chromedp.Do(ctx,
		press(j.admin.vp, `//label[@for="f-mode-lines"]`),
		press(j.admin.vp, chromedp.Search(fmt.Sprintf(`//label[@for="f-line-%s"]`, j.refunded.No))),
		typeInto(`#f-refund_reference`, ref),
	); err != nil {
		return fmt.Errorf("fill the refund form: %w", err)
	}
	if ok, err := eval[bool](ctx, fmt.Sprintf(`document.getElementById("f-mode-lines").checked && document.getElementById("f-line-%s").checked`, j.refunded.No)); err != nil || !ok {
		return fmt.Errorf("the refund form does not have line %s chosen (%v)", j.refunded.No, err)
	}
	if err := pressAndLoad(ctx, j.admin.vp, button("Reembolsar")); err != nil {
		return err
	}
	if err := wantPath(ctx, j.buy.adminOrder); err != nil {
		return err
	}
	if err := wantFlash(ctx, "Reembolso registrado; avisamos al cliente."); err != nil {
		return err
	}
	got, err := visibleText(ctx, `//main//dd[contains(@class,"order-refunded")]`)
	if err != nil {
		return err
	}
	if pesos(got) != j.refunded.Total {
		return fmt.Errorf("the order shows %s refunded, want the line's %d", got, j.refunded.Total)
	}
	return nil
}

// stepStatementRefund: the statement shows the refund: refunds up and net down by the
// line's total, the gross as it was; the size's row counts one refunded; an entry.
func stepStatementRefund(ctx context.Context, j *ledgerJourney) error {
	st, err := openStatement(ctx, j)
	if err != nil {
		return err
	}
	a, r := j.afterSale, j.refunded.Total
	if st.Gross != a.Gross || st.Refunds != a.Refunds+r || st.Net != a.Net-r {
		return fmt.Errorf("after refunding %d the statement shows gross %d, refunds %d, net %d; want %d, %d, %d",
			r, st.Gross, st.Refunds, st.Net, a.Gross, a.Refunds+r, a.Net-r)
	}
	k := unitKey{j.refunded.Title, j.refunded.Size}
	if was, now := a.Units[k], st.Units[k]; now.Refunded != was.Refunded+1 || now.Refunds != was.Refunds+r || now.Sold != was.Sold {
		return fmt.Errorf("the units of %s size %s read %+v (before %+v), want one more refunded for %d", k.title, k.size, now, was, r)
	}
	if err := wantEntries(st, j.buy.number, "Devolución", []orderLine{j.refunded}); err != nil {
		return err
	}
	j.current = st
	return wantEntries(st, j.buy.number, "Venta", j.lines)
}

// stepStatementFiles: the statement's PDF and entries CSV, by the page's links, with
// the lead's session.
func stepStatementFiles(ctx context.Context, j *ledgerJourney) error {
	pdfHref, err := attribute(ctx, `//main//a[normalize-space()="Descargar PDF"]`, "href")
	if err != nil {
		return err
	}
	csvHref, err := attribute(ctx, `//main//a[normalize-space()="Movimientos (CSV)"]`, "href")
	if err != nil {
		return err
	}
	if pdfHref != j.statement+"/statement.pdf" || csvHref != j.statement+"/entries.csv" {
		return fmt.Errorf("the statement links its PDF at %q and its entries at %q, want them under %s", pdfHref, csvHref, j.statement)
	}
	if err := wantPDF(ctx, j.lead, pdfHref); err != nil {
		return err
	}
	return wantEntriesCSV(ctx, j, csvHref)
}

// stepProductionRecord: the month's production record counts the product's pieces as
// the statement does.
func stepProductionRecord(ctx context.Context, j *ledgerJourney) error {
	if err := openProduction(ctx, j); err != nil {
		return err
	}
	rows, err := eval[[][]string](ctx, rowsJS("main table.production tbody tr"))
	if err != nil {
		return err
	}
	var sold, refunded int
	for k, u := range j.current.Units {
		if k.title == j.title {
			sold, refunded = sold+u.Sold, refunded+u.Refunded
		}
	}
	for _, r := range rows { // product, made, sold, refunded
		if len(r) == 4 && r[0] == j.title {
			if atoi(r[2]) != sold || atoi(r[3]) != refunded {
				return fmt.Errorf("the production record counts %s sold and %s refunded of %s, want the statement's %d and %d", r[2], r[3], j.title, sold, refunded)
			}
			return nil
		}
	}
	return fmt.Errorf("the production record has no row for %s: %q", j.title, rows)
}

// stepAdminLedger: the admin's ledger (this month) shows the workshop's gross and
// refunds as the lead's statement does.
func stepAdminLedger(ctx context.Context, j *ledgerJourney) error {
	rows, err := openAdminLedger(ctx, j)
	if err != nil {
		return err
	}
	st := j.current
	for _, r := range rows {
		if r.Workshop != j.workshopID {
			if j.otherWS == "" {
				j.otherWS = r.Workshop
			}
			continue
		}
		if r.Name != shoeWorkshop || pesos(r.Gross) != st.Gross || pesos(r.Refunds) != st.Refunds || pesos(r.Net) != st.Net {
			return fmt.Errorf("the ledger's row of workshop %s reads %+v, want %s with the statement's gross %d, refunds %d, net %d",
				r.Workshop, r, shoeWorkshop, st.Gross, st.Refunds, st.Net)
		}
	}
	if j.otherWS == "" {
		return fmt.Errorf("the ledger lists no workshop but %s: %+v", j.workshopID, rows)
	}
	return nil
}

// stepOtherWorkshop: another workshop's statement, asked for in the address bar, is a
// 404 for the lead (as a missing one would be).
func stepOtherWorkshop(ctx context.Context, j *ledgerJourney) error {
	u := j.lead.base + "/studio/statements/" + j.otherWS + "/" + j.month
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(u))
	if err != nil {
		return fmt.Errorf("open %s: %w", u, err)
	}
	if resp.Status != http.StatusNotFound {
		return fmt.Errorf("the lead opened workshop %s's statement: %s answered %d, want 404", j.otherWS, u, resp.Status)
	}
	return nil
}
