package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// The company's side of the quote journey, and staff's price and deposit.

var (
	// requestSubmit is the request form's visible "send" button (the form also holds
	// a hidden one first, so that Enter in a text box sends instead of adding a line).
	requestSubmit = chromedp.Search(`//main//form//div[contains(@class,"actions")]/button[@type="submit"]`)
	quoteNumber   = regexp.MustCompile(`^Cotización (COT-[0-9]{4}-[0-9]+)$`)
)

// requestFields are the first line's fields and the request's, as named on the form.
func requestFields() []string {
	names := []string{"lines.0.garment", "lines.0.fabric", "lines.0.colour", "lines.0.total",
		"lines.0.customisation", "lines.0.position", "deadline", "delivery_city", "notes"}
	for _, s := range quoteSizes {
		names = append(names, "lines.0."+s.name)
	}
	return names
}

// stepCorporateLogin: the buyer reads the companies' page as a visitor (audited),
// follows "Ya tengo cuenta" and logs in, which leads to the company's quotes.
func stepCorporateLogin(ctx context.Context, j *quoteJourney) error {
	tb := j.client
	if err := navigateOK(ctx, tb.base+"/corporate"); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Dotación con propósito para tu empresa"); err != nil {
		return err
	}
	if err := j.check(ctx, tb, "quote-corporate"); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, tb.vp, button("Ya tengo cuenta")); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Iniciar sesión"); err != nil {
		return err
	}
	if err := chromedp.Do(ctx, typeInto(`#f-email`, demoCompanyUser), typeInto(`#f-password`, demoPassword)); err != nil {
		return fmt.Errorf("fill the login form: %w", err)
	}
	if err := pressAndLoad(ctx, tb.vp, passwordGo); err != nil {
		return err
	}
	if err := wantPath(ctx, "/corporate/quotes"); err != nil {
		return err
	}
	return wantHeading(ctx, "Cotizaciones de tu empresa")
}

// stepRequestForm: logged in, the companies' page offers the request form.
func stepRequestForm(ctx context.Context, j *quoteJourney) error {
	tb := j.client
	if err := navigateOK(ctx, tb.base+"/corporate"); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, tb.vp, button("Pedir una cotización")); err != nil {
		return err
	}
	if err := wantPath(ctx, "/corporate/quotes/new"); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Pedir una cotización"); err != nil {
		return err
	}
	return j.check(ctx, tb, "quote-request-form")
}

// stepRequestMistake: 120 embroidered polos in five sizes with the logo, the deadline
// 45 days ahead, but no delivery city: the form comes back (422) saying so beside the
// city, with everything typed and the logo kept.
func stepRequestMistake(ctx context.Context, j *quoteJourney) error {
	tb := j.client
	if err := choose(ctx, "f-lines.0.garment", "Polo"); err != nil {
		return err
	}
	if err := choose(ctx, "f-lines.0.customisation", "Bordado"); err != nil {
		return err
	}
	acts := []chromedp.Action[chromedp.Void]{
		typeInto(`[id="f-lines.0.fabric"]`, "Piqué"),
		typeInto(`[id="f-lines.0.colour"]`, "Azul marino"),
		typeInto(`[id="f-lines.0.position"]`, "Pecho izquierdo"),
		typeInto(`[id="f-lines.0.total"]`, strconv.Itoa(quoteGarments)),
		typeInto(`#f-notes`, "Logo bordado de 8 cm de ancho."),
	}
	for _, s := range quoteSizes {
		acts = append(acts, typeInto(chromedp.Search(fmt.Sprintf(`[id="f-lines.0.%s"]`, s.name)), strconv.Itoa(s.qty)))
	}
	if err := chromedp.Do(ctx, acts...); err != nil {
		return fmt.Errorf("fill the request: %w", err)
	}
	if err := setField(ctx, "f-deadline", j.deadline); err != nil {
		return err
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(`#f-files`, []string{j.logo})); err != nil {
		return fmt.Errorf("choose the logo: %w", err)
	}
	typed, err := fieldValues(ctx, requestFields()...)
	if err != nil {
		return err
	}
	if err := pressAndLoadStatus(ctx, tb.vp, requestSubmit, http.StatusUnprocessableEntity); err != nil {
		return err
	}
	if msg, err := visibleText(ctx, `#f-delivery_city-err`); err != nil || msg == "" {
		return fmt.Errorf("no message beside the delivery city (%v)", err)
	}
	kept, err := fieldValues(ctx, requestFields()...)
	if err != nil {
		return err
	}
	if fmt.Sprint(kept) != fmt.Sprint(typed) {
		return fmt.Errorf("the form came back with %v, want what was typed: %v", kept, typed)
	}
	name, err := visibleText(ctx, `//main//*[contains(@class,"corp-kept-name")]`)
	if err != nil {
		return fmt.Errorf("the logo is not kept: %w", err)
	}
	if name != "logo-uniformes.png (guardado)" {
		return fmt.Errorf("the kept file reads %q, want logo-uniformes.png (guardado)", name)
	}
	return nil
}

// stepRequestSent: with the city the request is sent (without choosing the logo again)
// and its page says it was received, with the sizes and the one logo.
func stepRequestSent(ctx context.Context, j *quoteJourney) error {
	tb := j.client
	if err := chromedp.Do(ctx, typeInto(`#f-delivery_city`, "Bogotá")); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, tb.vp, requestSubmit); err != nil {
		return err
	}
	var err error
	if j.clientURL, err = wantPathLike(ctx, `^/corporate/quotes/[0-9]+$`); err != nil {
		return err
	}
	if err := wantFlash(ctx, "Recibimos tu solicitud. Te avisaremos cuando tenga precio."); err != nil {
		return err
	}
	h1, err := visibleText(ctx, pageHeading)
	if err != nil {
		return err
	}
	m := quoteNumber.FindStringSubmatch(h1)
	if m == nil {
		return fmt.Errorf("the quote's heading is %q, want Cotización COT-…", h1)
	}
	j.number = m[1]
	if err := wantStatus(ctx, "Solicitada"); err != nil {
		return err
	}
	row, err := eval[[]string](ctx, `[...(document.querySelector("main section[aria-labelledby=h-lines] table tbody tr")?.cells ?? [])].map(c => c.innerText.replace(/\s+/g, " ").trim())`)
	if err != nil {
		return err
	}
	// #, garment, XS…XXL, total, customisation
	want := []string{"1", "Polo Piqué Azul marino"}
	for _, s := range quoteSizes {
		want = append(want, strconv.Itoa(s.qty))
	}
	want = append(want, strconv.Itoa(quoteGarments), "Bordado Pecho izquierdo")
	if fmt.Sprint(row) != fmt.Sprint(want) {
		return fmt.Errorf("the quote's line reads %q, want %q", row, want)
	}
	files, err := eval[[]string](ctx, `[...document.querySelectorAll("main section[aria-labelledby=h-lines] ul.downloads a")].map(a => a.textContent.trim())`)
	if err != nil {
		return err
	}
	if fmt.Sprint(files) != "[logo-uniformes.png]" {
		return fmt.Errorf("the quote lists the files %q, want the logo once", files)
	}
	return nil
}

// stepStaffFindQuote: an admin finds the request by its number among the quotes.
func stepStaffFindQuote(ctx context.Context, j *quoteJourney) error {
	tb := j.staff
	if err := adminLogIn(ctx, tb); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, tb.vp, boNavLink("Cotizaciones")); err != nil {
		return err
	}
	if err := wantPath(ctx, "/admin/quotes"); err != nil {
		return err
	}
	if err := chromedp.Do(ctx, typeInto(`#qf-q`, j.number)); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, tb.vp, `//main//form[@role="search"]//button[@type="submit"]`); err != nil {
		return err
	}
	link := chromedp.Search(fmt.Sprintf(`//main//table[contains(@class,"quotes-table")]//a[normalize-space()=%q]`, j.number))
	if err := pressAndLoad(ctx, tb.vp, link); err != nil {
		return err
	}
	var err error
	if j.staffURL, err = wantPathLike(ctx, `^/admin/quotes/[0-9]+$`); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Cotización "+j.number); err != nil {
		return err
	}
	if err := wantStatus(ctx, "Solicitada"); err != nil {
		return err
	}
	if j.companyNIT, err = visibleText(ctx, `//main//dd[contains(@class,"company-nit")]`); err != nil {
		return err
	}
	return j.check(ctx, tb, "quote-admin")
}

// stepStaffPrice: 38.000 a polo, a setup fee, 30 days, valid 15 days, half as deposit,
// all the work to the sewing workshop, and the proof of the embroidery.
func stepStaffPrice(ctx context.Context, j *quoteJourney) error {
	tb := j.staff
	if err := chromedp.Do(ctx,
		typeInto(`#f-price-1`, "38.000"),
		typeInto(`#f-setup_fee`, "150.000"),
		typeInto(`#f-lead_time_days`, "30"),
		typeInto(`#f-deposit_pct`, strconv.Itoa(quoteDepositPct)),
		typeInto(`#f-share_1`, "100"),
	); err != nil {
		return fmt.Errorf("fill the price: %w", err)
	}
	if err := setField(ctx, "f-valid_until", time.Now().In(bogota).AddDate(0, 0, 15).Format(time.DateOnly)); err != nil {
		return err
	}
	if err := choose(ctx, "f-workshop_1", sewingWorkshop+" · Modistería"); err != nil { // name · craft
		return err
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(`#f-proof`, []string{j.proof})); err != nil {
		return fmt.Errorf("choose the proof: %w", err)
	}
	if err := pressAndLoad(ctx, tb.vp, button("Enviar la versión 1")); err != nil {
		return err
	}
	if err := wantPath(ctx, j.staffURL); err != nil {
		return err
	}
	if err := wantFlash(ctx, "Precio enviado a la empresa."); err != nil {
		return err
	}
	if err := wantStatus(ctx, "Cotizada"); err != nil {
		return err
	}
	got, err := eval[map[string]string](ctx, `(() => {
		const v = document.querySelector("main article.quote-version");
		const t = sel => v?.querySelector(sel)?.innerText.replace(/\s+/g, " ").trim() ?? "";
		return {total: t(".version-total"), workshops: t(".version-workshops"), proof: t(".version-proof a"),
			deposit: document.querySelector("main .money-deposit")?.innerText.trim() ?? ""};
	})()`)
	if err != nil {
		return err
	}
	if pesos(got["total"]) != quoteTotal || pesos(got["deposit"]) != quoteDeposit ||
		!strings.Contains(got["workshops"], sewingWorkshop) || got["proof"] != "prueba-bordado.png" {
		return fmt.Errorf("version 1 reads %q; want total %d, deposit %d, %s, proof prueba-bordado.png",
			got, quoteTotal, quoteDeposit, sewingWorkshop)
	}
	return nil
}

// stepClientVersion: the buyer's quote page shows version 1 with its total, deposit,
// workshop and the proof, which opens as the image staff attached.
func stepClientVersion(ctx context.Context, j *quoteJourney) error {
	tb := j.client
	if err := navigateOK(ctx, tb.base+j.clientURL); err != nil {
		return err
	}
	if err := wantStatus(ctx, "Cotizada"); err != nil {
		return err
	}
	v, err := eval[map[string]string](ctx, `(() => {
		const v = document.querySelector("main article.corp-version.is-latest");
		if (!v) return {};
		const out = {heading: v.querySelector("h3")?.innerText.trim() ?? "",
			total: v.querySelector("tfoot td.num")?.innerText.trim() ?? ""};
		v.querySelectorAll("dl dt").forEach(dt => out[dt.innerText.trim()] = dt.nextElementSibling?.innerText.replace(/\s+/g, " ").trim() ?? "");
		out.proofHref = v.querySelector("dd a")?.getAttribute("href") ?? "";
		return out;
	})()`)
	if err != nil {
		return err
	}
	if v["heading"] != "Versión 1 · la más reciente" || pesos(v["total"]) != quoteTotal ||
		v["Anticipo"] != fmt.Sprintf("%d %% · %s", quoteDepositPct, formatPesos(quoteDeposit)) ||
		v["Talleres"] != sewingWorkshop || v["Prueba del logo"] != "Ver la prueba (prueba-bordado.png)" {
		return fmt.Errorf("the latest version reads %q; want version 1, total %s, deposit %d %% · %s, %s and its proof",
			v, formatPesos(quoteTotal), quoteDepositPct, formatPesos(quoteDeposit), sewingWorkshop)
	}
	if err := wantProof(ctx, j, v["proofHref"]); err != nil {
		return err
	}
	return j.check(ctx, tb, "quote-client")
}

// wantProof follows the proof's link with the buyer's session: a short-lived link to
// the very image staff attached.
func wantProof(ctx context.Context, j *quoteJourney, href string) error {
	resp, _, err := j.client.do(ctx, http.MethodGet, href, nil)
	if err != nil {
		return err
	}
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || loc == "" {
		return fmt.Errorf("the proof's link %s answered %d (Location %q), want a redirect to the file", href, resp.StatusCode, loc)
	}
	if strings.HasPrefix(loc, "/") {
		loc = j.client.base + loc
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc, nil)
	if err != nil {
		return err
	}
	fr, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("open the proof: %w", err)
	}
	defer fr.Body.Close()
	body, err := io.ReadAll(fr.Body)
	if err != nil {
		return fmt.Errorf("read the proof: %w", err)
	}
	if fr.StatusCode != http.StatusOK || !bytes.Equal(body, j.proofBytes) {
		return fmt.Errorf("the proof's file answered %d with %d bytes, want the %d bytes of the PNG staff attached",
			fr.StatusCode, len(body), len(j.proofBytes))
	}
	return nil
}

// stepClientAccept: the buyer ticks "I approve the proof" and accepts version 1; the
// quote is accepted and the money box asks for the deposit.
func stepClientAccept(ctx context.Context, j *quoteJourney) error {
	tb := j.client
	if err := chromedp.Do(ctx, press(tb.vp, `//label[@for="f-proof"]`)); err != nil {
		return err
	}
	if ok, err := eval[bool](ctx, `document.getElementById("f-proof")?.checked === true`); err != nil || !ok {
		return fmt.Errorf("the proof's box is not ticked (%v)", err)
	}
	if err := pressAndLoad(ctx, tb.vp, button("Aceptar la versión 1")); err != nil {
		return err
	}
	if err := wantPath(ctx, j.clientURL); err != nil {
		return err
	}
	if err := wantFlash(ctx, "Aceptaste la cotización. El siguiente paso es el anticipo."); err != nil {
		return err
	}
	if err := wantStatus(ctx, "Aceptada"); err != nil {
		return err
	}
	money, err := moneyBox(ctx)
	if err != nil {
		return err
	}
	want := map[string]int64{"Total": quoteTotal, "Anticipo": quoteDeposit, "Pagado": 0, "Por pagar": quoteTotal}
	for k, v := range want {
		if pesos(money[k]) != v {
			return fmt.Errorf("the money box reads %q, want %v", money, want)
		}
	}
	pay, err := visibleText(ctx, `//main//aside//form//button`)
	if err != nil {
		return err
	}
	if want := fmt.Sprintf("Pagar el anticipo con tarjeta (%s)", formatPesos(quoteDeposit)); pay != want {
		return fmt.Errorf("the money box's button reads %q, want %q", pay, want)
	}
	return j.check(ctx, tb, "quote-client-accepted")
}

// moneyBox is the quote page's money box: label -> amount.
func moneyBox(ctx context.Context) (map[string]string, error) {
	return eval[map[string]string](ctx, `Object.fromEntries([...document.querySelectorAll("main aside .corp-money .figure")]
		.map(f => [f.querySelector("dt").innerText.trim(), f.querySelector("dd").innerText.trim()]))`)
}

// stepProforma: the deposit's proforma opens from the documents, asks for the deposit,
// and its PDF is a PDF.
func stepProforma(ctx context.Context, j *quoteJourney) error {
	tb := j.client
	if err := pressAndLoad(ctx, tb.vp, `//main//aside//a[normalize-space()="Factura proforma del anticipo"]`); err != nil {
		return err
	}
	j.proformaURL = j.clientURL + "/proforma"
	if err := wantPath(ctx, j.proformaURL); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Factura proforma PRO-"+j.number); err != nil {
		return err
	}
	due, err := visibleText(ctx, `//main//dl[contains(@class,"doc-totals")]/div[contains(@class,"figure-total")]/dd`)
	if err != nil {
		return err
	}
	if pesos(due) != quoteDeposit {
		return fmt.Errorf("the proforma asks for %s, want the deposit %s", due, formatPesos(quoteDeposit))
	}
	href, err := attribute(ctx, `//main//a[contains(@class,"doc-pdf")]`, "href")
	if err != nil {
		return err
	}
	resp, body, err := tb.do(ctx, http.MethodGet, href, nil)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) {
		return fmt.Errorf("the proforma's PDF %q answered %d, %s, %d bytes; want 200 and a PDF",
			href, resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
	return j.check(ctx, tb, "quote-proforma")
}

// stepStaffDeposit: the deposit's transfer arrived; staff record it and the quote's
// deposit is paid.
func stepStaffDeposit(ctx context.Context, j *quoteJourney) error {
	tb := j.staff
	if err := navigateOK(ctx, tb.base+j.staffURL); err != nil {
		return err
	}
	if err := wantStatus(ctx, "Aceptada"); err != nil {
		return err
	}
	due, err := visibleText(ctx, `//main//dd[contains(@class,"money-deposit-due")]`)
	if err != nil {
		return err
	}
	if pesos(due) != quoteDeposit {
		return fmt.Errorf("staff see %s of deposit due, want %s", due, formatPesos(quoteDeposit))
	}
	if err := chromedp.Do(ctx,
		press(tb.vp, `//label[@for="f-kind-deposit"]`),
		typeInto(`#f-amount`, strings.TrimPrefix(formatPesos(quoteDeposit), "$ ")),
		typeInto(`#f-reference`, j.transferRef),
	); err != nil {
		return fmt.Errorf("fill the transfer: %w", err)
	}
	if err := pressAndLoad(ctx, tb.vp, button("Registrar transferencia recibida")); err != nil {
		return err
	}
	if err := wantPath(ctx, j.staffURL); err != nil {
		return err
	}
	if err := wantFlash(ctx, "Transferencia registrada."); err != nil {
		return err
	}
	if err := wantStatus(ctx, "Anticipo pagado"); err != nil {
		return err
	}
	got, err := eval[map[string]string](ctx, `(() => {
		const t = sel => document.querySelector("main " + sel)?.innerText.replace(/\s+/g, " ").trim() ?? "";
		return {due: t(".money-deposit-due"), paid: t(".money-paid"), ref: t("tr.quote-payment .payment-ref"), amount: t("tr.quote-payment .payment-amount")};
	})()`)
	if err != nil {
		return err
	}
	if pesos(got["due"]) != 0 || pesos(got["paid"]) != quoteDeposit || got["ref"] != j.transferRef || pesos(got["amount"]) != quoteDeposit {
		return fmt.Errorf("after the transfer staff see %q; want nothing due, %s paid by %s", got, formatPesos(quoteDeposit), j.transferRef)
	}
	return nil
}
