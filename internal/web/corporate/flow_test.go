package corporate_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/quote"
)

// price is staff giving the quote a price (with a proof when proof is true).
func price(t *testing.T, id int64, unit int64, proof bool) {
	t.Helper()
	var ws int64
	if err := testDB.Get(&ws, `SELECT id FROM workshops WHERE active ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	p := quote.Pricing{UnitMinor: map[int]int64{1: unit}, SetupFee: 5000000, LeadTimeDays: 20,
		ValidUntil: time.Now().AddDate(0, 0, 10), Workshops: []quote.Assignment{{WorkshopID: ws, WorkBps: 10000}}}
	if proof {
		p.Proof = &quote.Upload{Name: "prueba.png", Body: pngBytes}
	}
	if _, err := testEnv.Quotes.Quote(context.Background(), audit.Actor{}, id, p); err != nil {
		t.Fatal(err)
	}
}

func status(t *testing.T, id int64) quote.Status {
	t.Helper()
	var s quote.Status
	if err := testDB.Get(&s, `SELECT status FROM quotes WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDecline(t *testing.T) {
	b := empresa(t)
	id := request(t, b)
	path := "/corporate/quotes/" + strconv.FormatInt(id, 10)
	// Nothing to decline before a price: 409, nothing changes.
	if p := b.post(path+"/decline", url.Values{"reason": {"caro"}}); p.status != http.StatusConflict {
		t.Errorf("decline a requested quote = %d, want 409", p.status)
	}
	price(t, id, 3500000, false)
	show := b.mustGet(path)
	checkPage(t, show, "es")
	if v := text(show.Find(".corp-version.is-latest h3")); !strings.Contains(v, "Versión 1") {
		t.Errorf("latest version = %q", v)
	}
	// 35 polos at $ 35.000 plus $ 50.000 setup.
	if total := text(show.Find(".corp-money .figure").First()); !strings.Contains(total, "1.275.000") {
		t.Errorf("money box total = %q", total)
	}
	if p := b.post(path+"/decline", url.Values{"reason": {"  "}}); p.status != http.StatusUnprocessableEntity ||
		text(p.Find("#f-reason-err")) == "" {
		t.Errorf("decline without a reason = %d, %q", p.status, text(p.Find("#f-reason-err")))
	}
	if p := b.post(path+"/decline", url.Values{"reason": {strings.Repeat("x", 1001)}}); p.status != http.StatusUnprocessableEntity ||
		text(p.Find("#f-reason-err")) == "" {
		t.Errorf("long reason = %d, %q", p.status, text(p.Find("#f-reason-err")))
	}
	p := b.post(path+"/decline", url.Values{"reason": {"Encontramos otro proveedor"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("decline = %d; %q", p.status, text(p.Find("main")))
	}
	if s := status(t, id); s != quote.StatusDeclined {
		t.Errorf("status = %s, want declined", s)
	}
	show = b.mustGet(p.location)
	if s := text(show.Find(".page-head .status")); s != "Rechazada" || show.Find(`form[action$="/accept"]`).Length() != 0 {
		t.Errorf("declined page: status %q, accept forms %d", s, show.Find(`form[action$="/accept"]`).Length())
	}
	if p := b.post(path+"/decline", url.Values{"reason": {"Otra vez"}}); p.status != http.StatusConflict || !strings.Contains(text(p.Find("main")), "ya cambió de estado") {
		t.Errorf("decline twice = %d: %q", p.status, text(p.Find("main")))
	}
}

func TestAcceptWithProofAndMessage(t *testing.T) {
	b := empresa(t)
	id := request(t, b)
	path := "/corporate/quotes/" + strconv.FormatInt(id, 10)
	price(t, id, 3000000, true)
	show := b.mustGet(path)
	if href, _ := show.Find(`.corp-version.is-latest a[href*="/files/"]`).Attr("href"); href == "" {
		t.Errorf("no link to the proof")
	} else if p := b.get(href); p.status != http.StatusSeeOther {
		t.Errorf("proof link = %d", p.status)
	}
	if show.Find(`input[name="proof"]`).Length() != 1 {
		t.Fatalf("no proof box to tick")
	}

	// The proof box unticked: the page says so and nothing changes.
	p := b.post(path+"/accept", url.Values{"version": {"1"}})
	if p.status != http.StatusUnprocessableEntity || text(p.Find("#f-proof-err")) == "" {
		t.Errorf("accept without the proof = %d, %q", p.status, text(p.Find("#f-proof-err")))
	}
	// A version that is not the latest is a conflict.
	if p := b.post(path+"/accept", url.Values{"version": {"2"}, "proof": {"1"}}); p.status != http.StatusConflict {
		t.Errorf("accept a version that does not exist = %d, want 409", p.status)
	}
	if s := status(t, id); s != quote.StatusQuoted {
		t.Fatalf("status after refused accepts = %s", s)
	}
	p = b.post(path+"/accept", url.Values{"version": {"1"}, "proof": {"1"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("accept = %d: %q", p.status, text(p.Find("main")))
	}
	if s := status(t, id); s != quote.StatusAccepted {
		t.Errorf("status = %s, want accepted", s)
	}
	show = b.mustGet(p.location)
	checkPage(t, show, "es")
	if s := text(show.Find(".page-head .status")); s != "Aceptada" {
		t.Errorf("status shown = %q", s)
	}
	if tr := text(show.Find(".corp-money")); !strings.Contains(tr, "transferencia") {
		t.Errorf("no transfer instructions once accepted: %q", tr)
	}
	// Without a card button, the money box still says what deposit is due.
	if m := text(show.Find(".corp-money")); !strings.Contains(m, "Anticipo por pagar") || !strings.Contains(m, "$") {
		t.Errorf("accepted quote's money box does not say the deposit due: %q", m)
	}

	// No card provider in this store: paying by card is refused with a reason; the
	// page offers no card button.
	if p := b.post(path+"/pay", url.Values{"kind": {"deposit"}}); p.status != http.StatusConflict {
		t.Errorf("pay by card without a provider = %d, want 409", p.status)
	}
	if show.Find(`form[action$="/pay"]`).Length() != 0 {
		t.Errorf("card buttons without a card provider")
	}

	// The thread.
	if p := b.post(path+"/messages", url.Values{"body": {"  "}}); p.status != http.StatusUnprocessableEntity || text(p.Find("#f-body-err")) == "" {
		t.Errorf("empty message = %d, %q", p.status, text(p.Find("#f-body-err")))
	}
	p = b.post(path+"/messages", url.Values{"body": {"¿Pueden entregar en la portería?"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("message = %d: %q", p.status, text(p.Find("main")))
	}
	show = b.mustGet(strings.TrimSuffix(p.location, "#thread"))
	if m := text(show.Find(".corp-msg")); !strings.Contains(m, "¿Pueden entregar en la portería?") || !strings.Contains(m, "Marta Compras") {
		t.Errorf("thread = %q", m)
	}
}

func TestEnglishPages(t *testing.T) {
	b := empresa(t)
	id := request(t, b)
	price(t, id, 3000000, true)
	path := "/corporate/quotes/" + strconv.FormatInt(id, 10)
	for _, pth := range []string{"/corporate/quotes?lang=en", "/corporate/quotes/new?lang=en", path + "?lang=en", "/en/corporate/signup"} {
		p := b.mustGet(pth)
		checkPage(t, p, "en")
	}
	p := b.mustGet(path + "?lang=en")
	if a, _ := p.Find(`form[action*="/accept"]`).Attr("action"); a != path+"/accept?lang=en" {
		t.Errorf("English accept form posts to %q", a)
	}
	if s := text(p.Find(".page-head .status")); s != "Quoted" {
		t.Errorf("English status = %q", s)
	}
	// An English form error stays English.
	p = b.postFiles("/corporate/quotes?lang=en", requestValues(in(-1)), upload{"logo.svg", svgBytes})
	checkPage(t, p, "en")
	if e := text(p.Find("#f-files-err")); !strings.Contains(e, "logo.svg: We only accept") {
		t.Errorf("English file error = %q", e)
	}
}
