package docs_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/text/encoding/charmap"

	"github.com/libres/storefront/internal/quote"
)

func quotePath(id int64, doc string) string {
	return "/corporate/quotes/" + strconv.FormatInt(id, 10) + "/" + doc
}

// pdfHas checks a PDF's text (uncompressed, cp1252 as Helvetica shows it) for s.
func pdfHas(t *testing.T, b []byte, s string) bool {
	t.Helper()
	enc, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(b, []byte(enc))
}

// TestQuoteDocument: the company's printable quote names both parties with their NITs,
// prices every line with its sizes, and links its PDF, which downloads as the quote's
// number and carries the same figures.
func TestQuoteDocument(t *testing.T) {
	co, uid := company(t, 1)
	q := pricedQuote(t, co.ID, uid)
	b := loginAs(t, companyURL, uid)

	p := b.mustGet(quotePath(q.ID, "quote"))
	parties := text(p.Find(".doc-party"))
	for _, want := range []string{"NIT " + testSite.Deps.Seller.NIT, "NIT " + co.NIT, co.Name, "Calle 10 # 5-20, Bogotá", "Ana Pérez"} {
		if !strings.Contains(parties, want) {
			t.Errorf("parties %q lack %q", parties, want)
		}
	}
	if h := text(p.Find("h1")); !strings.Contains(h, q.Number) {
		t.Errorf("h1 %q lacks the number %s", h, q.Number)
	}
	rows := p.Find(".doc-table tbody tr")
	if rows.Length() != 2 {
		t.Fatalf("%d lines, want 2", rows.Length())
	}
	first := text(rows.First())
	for _, want := range []string{"Polo · piqué · azul", "Bordado · pecho izquierdo", "S 10 · M 20 · L 5", "35", "$ 45.000", "$ 1.575.000"} {
		if !strings.Contains(first, want) {
			t.Errorf("first line %q lacks %q", first, want)
		}
	}
	// 35 × 45.000 + 12 × 30.000 + 120.000
	if total := text(p.Find(".doc-totals .figure-total")); !strings.Contains(total, "$ 2.055.000") {
		t.Errorf("total %q, want $ 2.055.000", total)
	}
	if note := text(p.Find(".doc-note")); !strings.Contains(note, "IVA incluido") {
		t.Errorf("note %q does not say prices include IVA", note)
	}
	href, _ := p.Find("a.doc-pdf").Attr("href")
	if href != quotePath(q.ID, "quote.pdf") {
		t.Fatalf("PDF link %q", href)
	}

	f := b.get(href)
	if f.status != http.StatusOK || f.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("PDF: %d %s", f.status, f.header.Get("Content-Type"))
	}
	if cd := f.header.Get("Content-Disposition"); cd != `attachment; filename="`+q.Number+`.pdf"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if !bytes.HasPrefix(f.body, []byte("%PDF-")) {
		t.Fatalf("body starts %q", f.body[:min(len(f.body), 8)])
	}
	for _, want := range []string{q.Number, "NIT " + co.NIT, "NIT " + testSite.Deps.Seller.NIT, "$\u00a02.055.000", "S 10 · M 20 · L 5"} {
		if !pdfHas(t, f.body, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}

	en := b.mustGet(quotePath(q.ID, "quote") + "?lang=en")
	if m := text(en.Find("main")); strings.Contains(m, "docs.") || strings.Contains(m, "%!") {
		t.Errorf("untranslated key or bad format in the English page: %q", m)
	}
	if total := text(en.Find(".doc-totals .figure-total")); !strings.Contains(total, "COP 2,055,000") {
		t.Errorf("English total %q, want COP 2,055,000", total)
	}
	if f := b.get(quotePath(q.ID, "quote.pdf") + "?lang=en"); !pdfHas(t, f.body, "Polo shirt") {
		t.Errorf("English PDF lacks the garment in English")
	}
}

// TestOtherCompanyIsNotFound: another company's people, and a shopper with no company,
// get a 404 for every document of the quote, page or PDF.
func TestOtherCompanyIsNotFound(t *testing.T) {
	co, uid := company(t, 2)
	q := pricedQuote(t, co.ID, uid)
	setStatus(t, q.ID, quote.StatusReady)
	_, other := company(t, 3)
	for name, b := range map[string]*browser{
		"other company": loginAs(t, companyURL, other),
		"shopper":       loginAs(t, companyURL, userID(t, "cliente@libres.example")),
	} {
		for _, doc := range []string{"quote", "quote.pdf", "proforma", "proforma.pdf", "delivery-note", "delivery-note.pdf"} {
			if p := b.get(quotePath(q.ID, doc)); p.status != http.StatusNotFound {
				t.Errorf("%s: GET %s = %d, want 404", name, doc, p.status)
			}
		}
	}
	if p := loginAs(t, companyURL, uid).get(quotePath(q.ID+1000000, "quote")); p.status != http.StatusNotFound {
		t.Errorf("a quote that does not exist: %d, want 404", p.status)
	}
}

// TestProforma: the proforma bills the deposit under its own number, with the transfer
// instructions, the number as the payment reference and the note that it is no invoice.
func TestProforma(t *testing.T) {
	co, uid := company(t, 4)
	q := pricedQuote(t, co.ID, uid)
	b := loginAs(t, companyURL, uid)
	p := b.mustGet(quotePath(q.ID, "proforma"))
	if n := text(p.Find(".doc-number")); n != "PRO-"+q.Number {
		t.Errorf("number %q, want PRO-%s", n, q.Number)
	}
	// 50 % of $ 2.055.000
	if due := text(p.Find(".doc-totals .figure-total")); !strings.Contains(due, "$ 1.027.500") {
		t.Errorf("amount due %q, want $ 1.027.500", due)
	}
	how := text(p.Find(".doc-section").Last())
	for _, want := range []string{"000-111111-22", "PRO-" + q.Number} {
		if !strings.Contains(how, want) {
			t.Errorf("how to pay %q lacks %q", how, want)
		}
	}
	if note := text(p.Find(".doc-note")); !strings.Contains(note, "no es una factura") {
		t.Errorf("note %q", note)
	}
	f := b.get(quotePath(q.ID, "proforma.pdf"))
	if cd := f.header.Get("Content-Disposition"); cd != `attachment; filename="PRO-`+q.Number+`.pdf"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if !pdfHas(t, f.body, "NIT "+co.NIT) || !pdfHas(t, f.body, "$\u00a01.027.500") {
		t.Errorf("proforma PDF lacks the NIT or the amount due")
	}
	setStatus(t, q.ID, quote.StatusCancelled)
	if p := b.get(quotePath(q.ID, "proforma")); p.status != http.StatusConflict {
		t.Errorf("proforma of a cancelled quote: %d, want 409", p.status)
	}
}

// TestDeliveryNote: there is no remisión before the garments are ready (409 with a
// message saying when there will be); once ready it lists every size delivered with
// boxes for both sides to sign.
func TestDeliveryNote(t *testing.T) {
	co, uid := company(t, 5)
	q := pricedQuote(t, co.ID, uid)
	b := loginAs(t, companyURL, uid)
	for _, doc := range []string{"delivery-note", "delivery-note.pdf"} {
		p := b.get(quotePath(q.ID, doc))
		if p.status != http.StatusConflict || !strings.Contains(text(p.Find("main")), "cuando las prendas estén listas") {
			t.Errorf("%s before ready: %d %q", doc, p.status, text(p.Find("main")))
		}
	}
	setStatus(t, q.ID, quote.StatusReady)
	p := b.mustGet(quotePath(q.ID, "delivery-note"))
	if n := text(p.Find(".doc-number")); n != "REM-"+q.Number {
		t.Errorf("number %q", n)
	}
	var cells []string
	p.Find(".doc-table tbody tr").First().Find("td").Each(func(_ int, s *goquery.Selection) { cells = append(cells, text(s)) })
	// #, garment, customisation, XS S M L XL XXL, quantity
	if got, want := strings.Join(cells[3:], " "), "0 10 20 5 0 0 35"; got != want {
		t.Errorf("sizes delivered %q, want %q", got, want)
	}
	if total := text(p.Find(".doc-table tfoot")); !strings.HasSuffix(total, "47") {
		t.Errorf("total row %q, want 47 garments", total)
	}
	if n := p.Find(".doc-sign").Length(); n != 2 {
		t.Errorf("%d boxes to sign, want 2", n)
	}
	if city := text(p.Find(".doc-fields")); !strings.Contains(city, "Medellín") {
		t.Errorf("fields %q lack the delivery city", city)
	}
	f := b.get(quotePath(q.ID, "delivery-note.pdf"))
	if !bytes.HasPrefix(f.body, []byte("%PDF-")) || !pdfHas(t, f.body, "NIT "+co.NIT) || !pdfHas(t, f.body, "REM-"+q.Number) {
		t.Errorf("delivery note PDF lacks its number or the NIT")
	}
}

// TestStaffDocuments: staff read any company's documents at /admin/quotes.
func TestStaffDocuments(t *testing.T) {
	co, uid := company(t, 6)
	q := pricedQuote(t, co.ID, uid)
	b := loginAs(t, testURL, userID(t, "admin@libres.example"))
	p := b.mustGet(fmt.Sprintf("/admin/quotes/%d/quote", q.ID))
	if parties := text(p.Find(".doc-party")); !strings.Contains(parties, "NIT "+co.NIT) {
		t.Errorf("parties %q lack the company's NIT", parties)
	}
	if back, _ := p.Find(".doc-actions a").First().Attr("href"); back != fmt.Sprintf("/admin/quotes/%d", q.ID) {
		t.Errorf("back link %q", back)
	}
	lead := loginAs(t, testURL, userID(t, "lead@libres.example"))
	if p := lead.get(fmt.Sprintf("/admin/quotes/%d/quote.pdf", q.ID)); p.status != http.StatusNotFound && p.status != http.StatusForbidden {
		t.Errorf("a lead at /admin/quotes: %d", p.status)
	}
}
