package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/nit"
)

// The workshop's side of the quote journey (production), the delivery, the money
// reaching the workshop's statement, and another company.

// jobSize is a row of the job's progress sheet: a size of the polos.
type jobSize struct {
	ID      string `json:"id"` // p-1-m: its inputs are #p-1-m-cut, -sewn, -done
	Size    string `json:"size"`
	Ordered int    `json:"ordered"`
}

var jobFinished = chromedp.Search(`//main//dd[contains(@class,"job-finished")]`)

// stepLeadJob: the sewing workshop's lead finds the job among their production jobs:
// the deposit is paid, the deadline is the company's, the logo and the approved proof
// are there, and the sheet has a row per size ordered.
func stepLeadJob(ctx context.Context, j *quoteJourney) error {
	tb := j.lead
	if err := logIn(ctx, tb, demoSewingLead, "/studio", "Estudio"); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, tb.vp, boNavLink("Producción")); err != nil {
		return err
	}
	if err := wantPath(ctx, "/studio/jobs"); err != nil {
		return err
	}
	link := chromedp.Search(fmt.Sprintf(`//main//table[contains(@class,"jobs")]//a[normalize-space()=%q]`, j.number))
	if err := pressAndLoad(ctx, tb.vp, link); err != nil {
		return err
	}
	var err error
	if j.jobURL, err = wantPathLike(ctx, `^/studio/jobs/[0-9]+$`); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Trabajo "+j.number); err != nil {
		return err
	}
	facts, err := eval[map[string]string](ctx, `(() => {
		const t = sel => document.querySelector("main " + sel)?.innerText.replace(/\s+/g, " ").trim() ?? "";
		return {status: t(".job-status"), deadline: t(".job-deadline"), finished: t(".job-finished"),
			files: [...document.querySelectorAll("main .job-file-list li")].map(li => li.innerText.replace(/\s+/g, " ").trim()).join(" | ")};
	})()`)
	if err != nil {
		return err
	}
	wantFiles := "logo-uniformes.png (referencia de la empresa) | prueba-bordado.png (prueba aprobada)"
	if facts["status"] != "Anticipo pagado" || facts["deadline"] != j.deadline ||
		facts["finished"] != fmt.Sprintf("0 de %d", quoteGarments) || facts["files"] != wantFiles {
		return fmt.Errorf("the job reads %q; want the deposit paid, deadline %s, 0 of %d finished, files %q",
			facts, j.deadline, quoteGarments, wantFiles)
	}
	if j.sizes, err = eval[[]jobSize](ctx, `[...document.querySelectorAll("main table.job-progress tbody tr")]
		.map(tr => ({id: tr.id, size: tr.cells[1].innerText.trim(), ordered: +tr.cells[2].innerText.trim()}))`); err != nil {
		return err
	}
	var got, want []string
	for _, r := range j.sizes {
		if r.Ordered > 0 {
			got = append(got, fmt.Sprintf("%s %d", r.Size, r.Ordered))
		}
	}
	for _, s := range quoteSizes {
		if s.qty > 0 {
			want = append(want, fmt.Sprintf("%s %d", strings.ToUpper(s.name), s.qty))
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		return fmt.Errorf("the progress sheet has the sizes %q, want %q", got, want)
	}
	return j.check(ctx, tb, "quote-studio-job")
}

// fillProgress fills the progress sheet: cut, sewn and finished of each size from its
// number ordered.
func fillProgress(ctx context.Context, sizes []jobSize, counts func(r jobSize) (cut, sewn, done int)) error {
	var acts []chromedp.Action[chromedp.Void]
	for _, r := range sizes {
		c, s, d := counts(r)
		for suffix, n := range map[string]int{"-cut": c, "-sewn": s, "-done": d} {
			acts = append(acts, typeInto(chromedp.Search("#"+r.ID+suffix), strconv.Itoa(n)))
		}
	}
	if err := chromedp.Do(ctx, acts...); err != nil {
		return fmt.Errorf("fill the progress sheet: %w", err)
	}
	return nil
}

// saveProgress saves the sheet and wants it saved, with finished of the garments done.
func saveProgress(ctx context.Context, j *quoteJourney, finished int) error {
	if err := pressAndLoad(ctx, j.lead.vp, button("Guardar avance")); err != nil {
		return err
	}
	if err := wantPath(ctx, j.jobURL); err != nil {
		return err
	}
	if err := wantFlash(ctx, "Avance guardado."); err != nil {
		return err
	}
	got, err := visibleText(ctx, jobFinished)
	if err != nil {
		return err
	}
	if want := fmt.Sprintf("%d de %d", finished, quoteGarments); got != want {
		return fmt.Errorf("the job shows %q finished, want %q", got, want)
	}
	return nil
}

// stepLeadPartial: everything cut and sewn, half finished: saved, and the job is in
// production.
func stepLeadPartial(ctx context.Context, j *quoteJourney) error {
	if err := fillProgress(ctx, j.sizes, func(r jobSize) (int, int, int) { return r.Ordered, r.Ordered, r.Ordered / 2 }); err != nil {
		return err
	}
	if err := saveProgress(ctx, j, quoteGarments/2); err != nil {
		return err
	}
	status, err := visibleText(ctx, `//main//dd[contains(@class,"job-status")]`)
	if err != nil {
		return err
	}
	if status != "En producción" {
		return fmt.Errorf("after the first progress the job is %q, want En producción", status)
	}
	return nil
}

// stepLeadRefused: size M with more finished than sewn: nothing is saved, the row says
// why and the sheet keeps what was typed.
func stepLeadRefused(ctx context.Context, j *quoteJourney) error {
	var m jobSize
	for _, r := range j.sizes {
		if r.Size == "M" {
			m = r
		}
	}
	if m.ID == "" {
		return fmt.Errorf("the progress sheet has no size M: %+v", j.sizes)
	}
	sewn := strconv.Itoa(m.Ordered - 5)
	done := strconv.Itoa(m.Ordered)
	if err := chromedp.Do(ctx,
		typeInto(chromedp.Search("#"+m.ID+"-sewn"), sewn),
		typeInto(chromedp.Search("#"+m.ID+"-done"), done),
	); err != nil {
		return err
	}
	if err := pressAndLoadStatus(ctx, j.lead.vp, button("Guardar avance"), 422); err != nil {
		return err
	}
	alert, err := visibleText(ctx, `//main//div[contains(@class,"form-alert")]`)
	if err != nil {
		return err
	}
	if alert != "Revisa las cantidades marcadas: no guardamos nada." {
		return fmt.Errorf("the refused sheet says %q", alert)
	}
	if msg, err := visibleText(ctx, chromedp.Search("#"+m.ID+"-err")); err != nil || msg == "" {
		return fmt.Errorf("no message on size M's row (%v)", err)
	}
	got, err := eval[[]string](ctx, fmt.Sprintf(`[%s, %s].map(id => document.getElementById(id)?.value ?? "")`,
		jsString(m.ID+"-sewn"), jsString(m.ID+"-done")))
	if err != nil {
		return err
	}
	if got[0] != sewn || got[1] != done {
		return fmt.Errorf("size M came back with sewn %q and finished %q, want what was typed (%s, %s)", got[0], got[1], sewn, done)
	}
	fin, err := visibleText(ctx, jobFinished)
	if err != nil {
		return err
	}
	if want := fmt.Sprintf("%d de %d", quoteGarments/2, quoteGarments); fin != want {
		return fmt.Errorf("after the refused sheet the job shows %q finished, want still %q", fin, want)
	}
	return nil
}

// stepLeadReady: every garment finished, saved, and the job marked ready.
func stepLeadReady(ctx context.Context, j *quoteJourney) error {
	if err := fillProgress(ctx, j.sizes, func(r jobSize) (int, int, int) { return r.Ordered, r.Ordered, r.Ordered }); err != nil {
		return err
	}
	if err := saveProgress(ctx, j, quoteGarments); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, j.lead.vp, button("Marcar como listo para entregar")); err != nil {
		return err
	}
	if err := wantFlash(ctx, "El trabajo quedó listo para entregar. La fundación coordina la entrega."); err != nil {
		return err
	}
	status, err := visibleText(ctx, `//main//dd[contains(@class,"job-status")]`)
	if err != nil {
		return err
	}
	if status != "Lista para entregar" {
		return fmt.Errorf("the job is %q, want Lista para entregar", status)
	}
	return nil
}

const deliveryNote = "Recibió Marta Compras en la portería: 4 cajas."

// stepStaffDeliver: staff see every garment finished and mark the quote delivered with
// a note.
func stepStaffDeliver(ctx context.Context, j *quoteJourney) error {
	tb := j.staff
	if err := navigateOK(ctx, tb.base+j.staffURL); err != nil {
		return err
	}
	if err := wantStatus(ctx, "Lista para entregar"); err != nil {
		return err
	}
	if err := chromedp.Do(ctx, typeInto(`#f-note`, deliveryNote)); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, tb.vp, button("Marcar entregado")); err != nil {
		return err
	}
	if err := wantPath(ctx, j.staffURL); err != nil {
		return err
	}
	if err := wantFlash(ctx, "Entrega registrada."); err != nil {
		return err
	}
	return wantStatus(ctx, "Entregada")
}

// stepDeliveryNote: the delivery note names the seller and the company, each with its
// NIT, and carries the note.
func stepDeliveryNote(ctx context.Context, j *quoteJourney) error {
	tb := j.staff
	if err := pressAndLoad(ctx, tb.vp, `//main//ul[contains(@class,"quote-docs")]//a[normalize-space()="Remisión"]`); err != nil {
		return err
	}
	if err := wantPath(ctx, j.staffURL+"/delivery-note"); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Remisión REM-"+j.number); err != nil {
		return err
	}
	parties, err := eval[map[string][]string](ctx, `Object.fromEntries([...document.querySelectorAll("main .doc-party")]
		.map(p => [p.querySelector("h2").innerText.trim(), [...p.querySelectorAll("address span")].map(s => s.innerText.trim())]))`)
	if err != nil {
		return err
	}
	nits := func(lines []string) []string {
		var out []string
		for _, l := range lines {
			if n, ok := strings.CutPrefix(l, "NIT "); ok {
				out = append(out, n)
			}
		}
		return out
	}
	seller, client := nits(parties["Vende"]), nits(parties["Cliente"])
	if len(seller) != 1 || len(client) != 1 || client[0] != j.companyNIT || seller[0] == client[0] {
		return fmt.Errorf("the delivery note's parties read %q; want the seller's NIT and the company's (%s)", parties, j.companyNIT)
	}
	if _, err := nit.Parse(seller[0]); err != nil {
		return fmt.Errorf("the seller's NIT %q on the delivery note: %w", seller[0], err)
	}
	meta, err := eval[map[string]string](ctx, `Object.fromEntries([...document.querySelectorAll("main article > dl.doc-fields > div")]
		.map(d => [d.querySelector("dt").innerText.trim(), d.querySelector("dd").innerText.trim()]))`)
	if err != nil {
		return err
	}
	if meta["Nota de entrega"] != deliveryNote || meta["Ciudad de entrega"] != "Bogotá" {
		return fmt.Errorf("the delivery note's details read %q, want the city and the note %q", meta, deliveryNote)
	}
	return nil
}

// quoteEntry finds the statement's entry of the quote: a sale of the deposit.
func quoteEntry(st statement, number string) ([]string, error) {
	var found [][]string
	for _, r := range st.Entries { // date, kind, reference, item, quantity, amount, share
		if r[2] == number {
			found = append(found, r)
		}
	}
	if len(found) != 1 || found[0][1] != "Venta" || pesos(found[0][5]) != quoteDeposit {
		return nil, fmt.Errorf("the statement lists %q for quote %s, want one sale of the deposit %s", found, number, formatPesos(quoteDeposit))
	}
	return found[0], nil
}

// stepLeadStatement: the lead's statement of this month credits the workshop with the
// deposit, under the quote's number, and its share of it.
func stepLeadStatement(ctx context.Context, j *quoteJourney) error {
	tb := j.lead
	if err := pressAndLoad(ctx, tb.vp, boNavLink("Estados de cuenta")); err != nil {
		return err
	}
	if err := wantPath(ctx, "/studio/statements"); err != nil {
		return err
	}
	section := fmt.Sprintf(`//main//section[h2[normalize-space()=%q]]`, sewingWorkshop)
	link := chromedp.Search(section + fmt.Sprintf(`//table//a[substring(@href, string-length(@href) - 7) = %q]`, "/"+j.month))
	href, err := attribute(ctx, link, "href")
	if err != nil {
		return err
	}
	m := statementPath.FindStringSubmatch(href)
	if m == nil {
		return fmt.Errorf("the statements page links no statement of %s for %s (found %q)", sewingWorkshop, j.month, href)
	}
	j.workshopID = m[1]
	if err := pressAndLoad(ctx, tb.vp, link); err != nil {
		return err
	}
	if err := wantPath(ctx, href); err != nil {
		return err
	}
	st, err := readStatement(ctx)
	if err != nil {
		return err
	}
	e, err := quoteEntry(st, j.number)
	if err != nil {
		return err
	}
	j.workshopShare = pesos(e[6])
	if j.workshopShare <= 0 || j.workshopShare > quoteDeposit {
		return fmt.Errorf("the workshop's share of the deposit reads %q, want a part of %s", e[6], formatPesos(quoteDeposit))
	}
	if st.Gross < quoteDeposit {
		return fmt.Errorf("the statement's gross %d is less than the deposit %d", st.Gross, quoteDeposit)
	}
	return nil
}

// stepQuoteAdminLedger: the admin's ledger of this month counts the deposit in the
// workshop's gross, and the workshop's statement from there lists it as the lead's does.
func stepQuoteAdminLedger(ctx context.Context, j *quoteJourney) error {
	tb := j.staff
	if err := navigateOK(ctx, tb.base+"/admin"); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, tb.vp, boNavLink("Cuentas de talleres")); err != nil {
		return err
	}
	if err := wantPath(ctx, "/admin/ledger"); err != nil {
		return err
	}
	row := fmt.Sprintf(`//main//table[contains(@class,"ledger-table")]/tbody/tr[@data-workshop=%q]`, j.workshopID)
	cells, err := eval[[]string](ctx, fmt.Sprintf(`[...(document.evaluate(%s, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue?.cells ?? [])].map(c => c.innerText.replace(/\s+/g, " ").trim())`, jsString(row)))
	if err != nil {
		return err
	}
	// workshop, units, gross, refunds, net, …
	if len(cells) < 5 || cells[0] != sewingWorkshop || pesos(cells[2]) < quoteDeposit {
		return fmt.Errorf("the ledger's row of workshop %s reads %q, want %s with at least the deposit %s in its gross",
			j.workshopID, cells, sewingWorkshop, formatPesos(quoteDeposit))
	}
	if err := pressAndLoad(ctx, tb.vp, chromedp.Search(row+"/th/a")); err != nil {
		return err
	}
	st, err := readStatement(ctx)
	if err != nil {
		return err
	}
	e, err := quoteEntry(st, j.number)
	if err != nil {
		return err
	}
	if pesos(e[6]) != j.workshopShare {
		return fmt.Errorf("staff see the workshop's share of the deposit as %q, the lead %s", e[6], formatPesos(j.workshopShare))
	}
	return nil
}

// stepOtherCompany: the buyer of another (approved) company logs in; the first
// company's quote and its proforma are not found for them.
func stepOtherCompany(ctx context.Context, j *quoteJourney) error {
	email, err := provisionCompanyUser(ctx, j.s.db)
	if err != nil {
		return err
	}
	tb := j.other
	if err := navigateOK(ctx, tb.base+"/login?next=/corporate/quotes"); err != nil {
		return err
	}
	if err := chromedp.Do(ctx, typeInto(`#f-email`, email), typeInto(`#f-password`, demoPassword)); err != nil {
		return fmt.Errorf("fill the login form: %w", err)
	}
	if err := pressAndLoad(ctx, tb.vp, passwordGo); err != nil {
		return err
	}
	if err := wantPath(ctx, "/corporate/quotes"); err != nil {
		return err
	}
	if err := wantNotFound(ctx, tb, j.proformaURL); err != nil {
		return fmt.Errorf("another company's buyer: %w", err)
	}
	if err := wantNotFound(ctx, tb, j.clientURL); err != nil {
		return fmt.Errorf("another company's buyer: %w", err)
	}
	return nil
}

// provisionCompanyUser creates a company (approved, with a NIT of its own) and a buyer
// of it in the store's database, and returns the buyer's email (password demoPassword).
func provisionCompanyUser(ctx context.Context, dbURL string) (string, error) {
	conn, err := db.Open(ctx, dbURL)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	stamp := time.Now().UnixNano()
	number := fmt.Sprintf("8%08d", stamp%100_000_000)
	co, err := account.CreateCompany(ctx, conn, fmt.Sprintf("Otra Empresa %d S.A.S.", stamp%100_000),
		nit.NIT{Number: number, DV: nit.CheckDigit(number)}.String())
	if err != nil {
		return "", fmt.Errorf("create another company: %w", err)
	}
	email := fmt.Sprintf("compras-%d@otra-empresa.test", stamp)
	if _, err := account.Provision(ctx, conn, account.NewUser{Email: email, Name: "Pedro Otra", Role: account.RoleCorporate,
		Lang: "es", Password: demoPassword, CompanyID: co.ID}, time.Now()); err != nil {
		return "", fmt.Errorf("create another company's buyer: %w", err)
	}
	return email, nil
}
