package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/libres/storefront/internal/quote"
)

// Pricing a requested quote: two workshops 70/30 and a proof make version 1 and the
// quote quoted; shares that do not add up come back with the prices as typed; a second
// version keeps the first one visible.
func TestQuotePriceVersions(t *testing.T) {
	b := admin(t)
	q := demoQuote(t)
	path := quotePage(q)
	ws1, ws2 := newWorkshop(t), newWorkshop(t)

	p := b.mustGet(path)
	checkQuotesPage(t, p, "es", "/admin/quotes")
	if text(p.Find("h1")) != "Cotización "+q.Number || text(p.Find(".quote-status").First()) != "Solicitada" {
		t.Errorf("h1 %q, status %q", text(p.Find("h1")), text(p.Find(".quote-status").First()))
	}
	if text(p.Find(".company-nit")) == "" || p.Find(".quote-lines tbody tr").Length() != 2 ||
		text(p.Find(".quote-lines .line-quantity").First()) != "35" {
		t.Errorf("company or lines missing: %q", text(p.Find(".quote-lines")))
	}
	if href, _ := p.Find(".quote-files a").Attr("href"); !strings.HasPrefix(href, path+"/files/") {
		t.Errorf("reference file link %q", href)
	}
	if p.Find("form.price-form").Length() != 1 || val(p, "#f-deposit_pct") != "50" {
		t.Errorf("no price form with the default deposit")
	}
	// The sewing workshops are offered first.
	first, _ := p.Find("#f-workshop_1 option").Eq(1).Attr("value")
	if first == "" {
		t.Fatalf("no workshops offered")
	}

	bad := priceForm(ws1, ws2)
	bad.Set("share_2", "20")
	res := b.postFile(path+"/price", bad, "proof", "prueba.png", pngProof)
	if res.status != http.StatusUnprocessableEntity || res.Find("#f-workshops-err").Length() != 1 {
		t.Fatalf("shares of 90 %% = %d, errors %q", res.status, text(res.Find(".field-error")))
	}
	checkQuotesPage(t, res, "es", "/admin/quotes")
	if val(res, "#f-price-1") != "35.000" || val(res, "#f-price-2") != "20000" || val(res, "#f-share_2") != "20" ||
		res.Find(`#f-workshop_1 option[selected]`).AttrOr("value", "") != strconv.FormatInt(ws1, 10) {
		t.Errorf("the typed values were lost: %q %q %q", val(res, "#f-price-1"), val(res, "#f-price-2"), val(res, "#f-share_2"))
	}
	if quoteStatus(t, q.ID) != quote.StatusRequested {
		t.Fatalf("the refused price changed the quote")
	}
	// The proof chosen is kept for the next submit, which need not choose it again.
	kept := val(res, `form.price-form input[name="proof_kept"]`)
	if kept == "" || !strings.Contains(text(res.Find(".proof-kept")), "prueba.png") {
		t.Errorf("the proof was not kept: %q", text(res.Find("#f-proof-hint")))
	}
	forged := priceForm(ws1, ws2)
	forged.Set("share_2", "20")
	forged.Set("proof_kept", "eyJrIjoicXVvdGVzL2FhYSJ9.AAAA")
	if res := b.postFile(path+"/price", forged, "", "", nil); res.Find(`input[name="proof_kept"]`).Length() != 0 {
		t.Errorf("a token this server did not sign was kept")
	}
	gif := b.postFile(path+"/price", priceForm(ws1, ws2), "proof", "prueba.gif", []byte("GIF89a\x01\x00\x01\x00"))
	if gif.status != http.StatusUnprocessableEntity || gif.Find("#f-proof-err").Length() != 1 || val(gif, "#f-price-1") != "35.000" {
		t.Errorf("a GIF proof = %d, errors %q", gif.status, text(gif.Find(".field-error")))
	}
	typo := priceForm(ws1, ws2)
	typo.Set("lines.1.unit_price", "veinte mil")
	if res := b.postFile(path+"/price", typo, "", "", nil); res.status != http.StatusUnprocessableEntity || res.Find("#f-price-2-err").Length() != 1 {
		t.Errorf("a price in words = %d", res.status)
	}

	good := priceForm(ws1, ws2)
	good.Set("proof_kept", kept)
	done := b.submitFile(path+"/price", good, "", "", nil)
	// 35 polos at 35.000, 12 aprons at 20.000 and a setup fee of 150.000.
	if flash(done) != "Precio enviado a la empresa." || text(done.Find(".quote-status").First()) != "Cotizada" ||
		quoteStatus(t, q.ID) != quote.StatusQuoted {
		t.Errorf("after pricing: flash %q, status %q", flash(done), text(done.Find(".quote-status").First()))
	}
	v1 := done.Find("#version-1")
	if text(v1.Find(".version-total")) != "$ 1.615.000" || !strings.Contains(text(v1.Find(".version-workshops")), "(70 %)") ||
		!strings.Contains(text(v1.Find(".version-workshops")), "(30 %)") || v1.Find(".version-proof a").Length() != 1 {
		t.Errorf("version 1: %q", text(v1))
	}
	// The form offers version 2, filled from version 1.
	if val(done, "#f-price-1") != "35000" || val(done, "#f-share_1") != "70" || !strings.Contains(text(done.Find("#h-price")), "2") {
		t.Errorf("re-quote form: price %q, share %q, title %q", val(done, "#f-price-1"), val(done, "#f-share_1"), text(done.Find("#h-price")))
	}

	second := priceForm(ws1, ws2)
	second.Set("lines.0.unit_price", "38.000")
	again := b.submitFile(path+"/price", second, "", "", nil)
	if again.Find(".quote-version").Length() != 2 || text(again.Find(".quote-version").First().Find("h3")) != "Versión 2 · Vigente" {
		t.Errorf("versions after the re-quote: %q", text(again.Find(".quote-version h3")))
	}
	if text(again.Find("#version-1 .version-total")) != "$ 1.615.000" || text(again.Find("#version-2 .version-total")) != "$ 1.720.000" ||
		again.Find("#version-2 .version-proof a").Length() != 1 || quoteStatus(t, q.ID) != quote.StatusQuoted {
		t.Errorf("version 1 %q, version 2 %q", text(again.Find("#version-1")), text(again.Find("#version-2")))
	}
	en := b.mustGet(path + "?lang=en")
	checkQuotesPage(t, en, "en", "/admin/quotes")
	if text(en.Find(".quote-status").First()) != "Quoted" {
		t.Errorf("English status %q", text(en.Find(".quote-status").First()))
	}
}

// Cancelling needs a reason; a cancelled quote takes no price (409, nothing changed).
func TestQuoteCancel(t *testing.T) {
	b := admin(t)
	q := demoQuote(t)
	path := quotePage(q)
	if res := b.post(path+"/cancel", url.Values{"reason": {" "}}); res.status != http.StatusUnprocessableEntity || res.Find("#f-reason-err").Length() != 1 {
		t.Errorf("cancel without reason = %d", res.status)
	}
	c := b.submit(path+"/cancel", url.Values{"reason": {"La empresa pospuso el pedido"}})
	if text(c.Find(".quote-status").First()) != "Cancelada" || text(c.Find(".quote-reason")) != "La empresa pospuso el pedido" ||
		c.Find("form.price-form, form[action$=\"/cancel\"]").Length() != 0 {
		t.Errorf("after cancel: %q", text(c.Find(".quote-summary")))
	}
	ws := newWorkshop(t)
	res := b.postFile(path+"/price", url.Values{"lines.0.unit_price": {"1"}, "lines.1.unit_price": {"1"}, "lead_time_days": {"5"},
		"valid_until": {"2099-01-01"}, "workshop_1": {strconv.FormatInt(ws, 10)}, "share_1": {"100"}}, "", "", nil)
	if res.status != http.StatusConflict || !strings.Contains(text(res.Find(".form-alert")), "ya cambió de estado") {
		t.Errorf("price a cancelled quote = %d, alert %q", res.status, text(res.Find(".form-alert")))
	}
	var versions int
	if err := testDB.Get(&versions, `SELECT count(*) FROM quote_versions WHERE quote_id = $1`, q.ID); err != nil || versions != 0 {
		t.Errorf("the refused price made %d versions (%v)", versions, err)
	}
	if p := admin(t).get("/admin/quotes/999999999"); p.status != http.StatusNotFound {
		t.Errorf("unknown quote = %d", p.status)
	}
	if p := loginAs(t, "lead@libres.example").get(path); p.status != http.StatusForbidden {
		t.Errorf("a lead reads the quote: %d", p.status)
	}
}

// The thread takes staff's messages; a file link sends to a short-lived link.
func TestQuoteMessageAndFiles(t *testing.T) {
	b := admin(t)
	q := demoQuote(t)
	path := quotePage(q)
	if res := b.post(path+"/messages", url.Values{"body": {""}}); res.status != http.StatusUnprocessableEntity || res.Find("#f-body-err").Length() != 1 {
		t.Errorf("empty message = %d", res.status)
	}
	p := b.submit(path+"/messages", url.Values{"body": {"¿Pueden enviar el logo en vectores?"}})
	last := p.Find(".quote-thread .message").Last()
	if text(last.Find(".message-body")) != "¿Pueden enviar el logo en vectores?" || !last.HasClass("message-staff") {
		t.Errorf("thread: %q", text(p.Find(".quote-thread")))
	}
	href, _ := p.Find(".quote-files a").Attr("href")
	res := b.get(href)
	if res.status != http.StatusSeeOther || res.location == "" {
		t.Errorf("file link = %d to %q", res.status, res.location)
	}
	other := demoQuote(t)
	if res := b.get(quotePage(other) + href[strings.LastIndex(href, "/files/"):]); res.status != http.StatusNotFound {
		t.Errorf("a file through another quote = %d, want 404", res.status)
	}
}

// listedQuotes is the quote numbers of a list page.
func listedQuotes(p page) []string {
	var out []string
	p.Find("table.quotes-table tbody tr th a").Each(func(_ int, s *goquery.Selection) { out = append(out, text(s)) })
	return out
}

func TestQuoteListFiltersAndCSV(t *testing.T) {
	b := admin(t)
	company, user := newCompany(t)
	older, newer := requestQuote(t, company, user), requestQuote(t, company, user)
	if _, err := testSite.Deps.Quotes.Cancel(context.Background(), staff, older.ID, "duplicada"); err != nil {
		t.Fatal(err)
	}
	c := strconv.FormatInt(company, 10)
	p := b.mustGet("/admin/quotes?company=" + c)
	checkQuotesPage(t, p, "es", "/admin/quotes")
	if got := listedQuotes(p); strings.Join(got, " ") != newer.Number+" "+older.Number {
		t.Errorf("company lists %v, want newest first", got)
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"company=" + c + "&status=cancelled", []string{older.Number}},
		{"company=" + c + "&status=requested", []string{newer.Number}},
		{"q=" + newer.Number, []string{newer.Number}},
	} {
		if got := listedQuotes(b.mustGet("/admin/quotes?" + tc.query)); strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s lists %v, want %v", tc.query, got, tc.want)
		}
	}
	name := url.QueryEscape(strings.TrimPrefix(text(p.Find(".quote-company").First()), ""))
	if got := listedQuotes(b.mustGet("/admin/quotes?q=" + name)); len(got) != 2 {
		t.Errorf("search by company name lists %v", got)
	}
	if p.Find(`#qf-company option[value="`+c+`"][selected]`).Length() != 1 {
		t.Errorf("the company filter does not show the choice")
	}

	href, _ := p.Find(`a[href^="/admin/quotes.csv"]`).Attr("href")
	if href != "/admin/quotes.csv?company="+c {
		t.Errorf("CSV link %q", href)
	}
	res := b.get(href)
	if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(res.body, "\uFEFF") {
		t.Fatalf("CSV = %d %q, BOM %v", res.status, res.header.Get("Content-Type"), strings.HasPrefix(res.body, "\uFEFF"))
	}
	recs := csvRecords(t, res.body)
	if len(recs) != 3 || !strings.Contains(strings.Join(recs[1], ","), newer.Number) {
		t.Errorf("CSV of the company = %v", recs)
	}
}

// A bank transfer of the deposit moves an accepted quote to deposit paid, and the board
// shows the job until it is ready; staff start production from the quote.
func TestQuoteTransferBoardAndProduction(t *testing.T) {
	b := admin(t)
	ctx := context.Background()
	company, user := demoCompany(t)
	q := requestQuote(t, company, user)
	path := quotePage(q)
	ws1, ws2 := newWorkshop(t), newWorkshop(t)
	b.submitFile(path+"/price", priceForm(ws1, ws2), "proof", "prueba.png", pngProof)
	if _, err := testSite.Deps.Quotes.Accept(ctx, company, user, q.ID, 1, true); err != nil {
		t.Fatal(err)
	}
	p := b.mustGet(path)
	if text(p.Find(".money-total")) != "$ 1.615.000" || text(p.Find(".money-deposit-due")) != "$ 807.500" ||
		p.Find("form.transfer-form").Length() != 1 {
		t.Fatalf("accepted quote: money %q, transfer forms %d", text(p.Find(".quote-money")), p.Find("form.transfer-form").Length())
	}
	if res := b.post(path+"/transfer", url.Values{"kind": {"deposit"}, "amount": {"ochocientos"}, "reference": {"TRF-1"}}); res.status != http.StatusUnprocessableEntity ||
		res.Find("#f-amount-err").Length() != 1 || val(res, "#f-reference") != "TRF-1" {
		t.Errorf("amount in words = %d", res.status)
	}
	paid := b.submit(path+"/transfer", url.Values{"kind": {"deposit"}, "amount": {"807.500"}, "reference": {"BANCOLOMBIA-778"}})
	if quoteStatus(t, q.ID) != quote.StatusDepositPaid || text(paid.Find(".quote-status").First()) != "Anticipo pagado" ||
		text(paid.Find(".quote-payment .payment-ref")) != "BANCOLOMBIA-778" || text(paid.Find(".money-paid")) != "$ 807.500" {
		t.Errorf("after the transfer: status %s, payments %q", quoteStatus(t, q.ID), text(paid.Find(".quote-payments")))
	}
	if paid.Find("form.refund-form").Length() != 1 || paid.Find(`form[action$="/start"]`).Length() != 1 {
		t.Errorf("a paid deposit offers no refund or no start")
	}

	board := b.mustGet("/admin/quotes/board")
	checkQuotesPage(t, board, "es", "/admin/quotes/board")
	var row *goquery.Selection
	board.Find("tr.job").Each(func(_ int, s *goquery.Selection) {
		if text(s.Find("th a")) == q.Number {
			row = s
		}
	})
	if row == nil {
		t.Fatalf("the board lacks %s", q.Number)
	}
	if !strings.Contains(text(row.Find(".job-workshops")), "(70 %)") || text(row.Find(".job-finished")) != "0 de 47 prendas terminadas (0 %)" {
		t.Errorf("board row: %q", text(row))
	}

	// Deadlines near or past are said in words on the board.
	for _, tc := range []struct {
		days int
		want string
	}{{-3, "Atrasado 3 días"}, {5, "Vence en 5 días"}, {30, ""}} {
		day := time.Now().In(bogota).AddDate(0, 0, tc.days).Format(time.DateOnly)
		if _, err := testDB.Exec(`UPDATE quotes SET deadline = $2 WHERE id = $1`, q.ID, day); err != nil {
			t.Fatal(err)
		}
		board := b.mustGet("/admin/quotes/board")
		due := ""
		board.Find("tr.job").Each(func(_ int, s *goquery.Selection) {
			if text(s.Find("th a")) == q.Number {
				due = text(s.Find(".job-due"))
			}
		})
		if due != tc.want {
			t.Errorf("deadline in %d days: board says %q, want %q", tc.days, due, tc.want)
		}
	}

	started := b.submit(path+"/start", nil)
	if quoteStatus(t, q.ID) != quote.StatusInProduction || text(started.Find(".quote-status").First()) != "En producción" {
		t.Errorf("after start: %s", quoteStatus(t, q.ID))
	}
	// Started twice (another tab): refused with the reason, nothing changed.
	if res := b.post(path+"/start", nil); res.status != http.StatusConflict || text(res.Find(".form-alert")) == "" {
		t.Errorf("second start = %d", res.status)
	}
}

// Money back from a paid transfer (the same form twice is refused), then the garments
// finished, the delivery with its note, and the balance that settles the quote.
func TestQuoteRefundDeliverSettle(t *testing.T) {
	b := admin(t)
	ctx := context.Background()
	company, user := demoCompany(t)
	q := requestQuote(t, company, user)
	path := quotePage(q)
	b.submitFile(path+"/price", priceForm(newWorkshop(t), newWorkshop(t)), "proof", "prueba.png", pngProof)
	if _, err := testSite.Deps.Quotes.Accept(ctx, company, user, q.ID, 1, true); err != nil {
		t.Fatal(err)
	}
	p := b.submit(path+"/transfer", url.Values{"kind": {"deposit"}, "amount": {"807.500"}, "reference": {"TRF-9"}})
	action, _ := p.Find("form.refund-form").Attr("action")
	if !strings.HasPrefix(action, path+"/payments/") {
		t.Fatalf("refund form action %q", action)
	}
	if res := b.post(action, url.Values{"amount": {"900.000"}, "reason": {"x"}}); res.status != http.StatusUnprocessableEntity ||
		res.Find("details.refund-payment[open] .field-error").Length() != 1 || res.Find(`details[open] input[name="amount"]`).AttrOr("value", "") != "900.000" {
		t.Errorf("refund over the payment = %d, %q", res.status, text(res.Find(".field-error")))
	}
	back := url.Values{"amount": {"100.000"}, "reason": {"Cambio de talla acordado"}}
	done := b.submit(action, back)
	if flash(done) != "Devolución registrada." || !strings.Contains(text(done.Find(".payment-amount")), "$ 100.000") ||
		text(done.Find(".money-paid")) != "$ 707.500" {
		t.Errorf("after the refund: payments %q, paid %q", text(done.Find(".quote-payments")), text(done.Find(".money-paid")))
	}
	if res := b.post(action, back); res.status != http.StatusConflict || text(res.Find(".form-alert")) == "" {
		t.Errorf("the same refund again = %d", res.status)
	}
	other := demoQuote(t)
	if res := b.post(quotePage(other)+action[len(path):], back); res.status != http.StatusNotFound {
		t.Errorf("a payment through another quote = %d, want 404", res.status)
	}

	b.submit(path+"/start", nil)
	var progress []quote.Progress
	for _, l := range []struct {
		line int
		size string
		n    int
	}{{1, "s", 10}, {1, "m", 20}, {1, "l", 5}, {2, "m", 12}} {
		progress = append(progress, quote.Progress{LineNo: l.line, Size: l.size, Cut: l.n, Sewn: l.n, Finished: l.n})
	}
	if err := testSite.Deps.Quotes.RecordProgress(ctx, staff, nil, q.ID, progress); err != nil {
		t.Fatal(err)
	}
	made := b.mustGet(path)
	if made.Find(".quote-progress tbody tr").Length() == 0 || made.Find(`form[action$="/deliver"]`).Length() != 0 {
		t.Errorf("in production: progress rows %d", made.Find(".quote-progress tbody tr").Length())
	}
	if _, err := testSite.Deps.Quotes.MarkReady(ctx, staff, nil, q.ID); err != nil {
		t.Fatal(err)
	}
	delivered := b.submit(path+"/deliver", url.Values{"note": {"Recibió Marta en portería"}})
	if quoteStatus(t, q.ID) != quote.StatusDelivered || !strings.Contains(text(delivered.Find(".quote-summary")), "Recibió Marta en portería") ||
		delivered.Find(`.quote-docs a[href="`+path+`/delivery-note"]`).Length() != 1 {
		t.Errorf("after delivery: %s, summary %q", quoteStatus(t, q.ID), text(delivered.Find(".quote-summary")))
	}
	if text(delivered.Find(".money-owed")) != "$ 907.500" {
		t.Errorf("owed after delivery %q", text(delivered.Find(".money-owed")))
	}
	settled := b.submit(path+"/transfer", url.Values{"kind": {"balance"}, "amount": {"907.500"}, "reference": {"TRF-10"}})
	if quoteStatus(t, q.ID) != quote.StatusSettled || text(settled.Find(".money-owed")) != "$ 0" || settled.Find("form.transfer-form").Length() != 0 {
		t.Errorf("after the balance: %s, owed %q", quoteStatus(t, q.ID), text(settled.Find(".money-owed")))
	}
}
