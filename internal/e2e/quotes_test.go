package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/libres/storefront/internal/ledger"
)

// The corporate quote journey (issue 9): a company asks for 120 embroidered polos,
// staff price them with a proof, the company accepts and pays the deposit by transfer,
// the sewing workshop makes them and the foundation delivers; the workshop's statement
// and the admin's ledger credit the deposit, and another company cannot see the quote.

// The demo's corporate client and the lead of the workshop that sews its orders
// (`libres seed demo`).
const (
	demoCompanyUser = "empresa@libres.example"
	demoSewingLead  = "costura@libres.example"
	sewingWorkshop  = "Taller de Modistería El Buen Pastor"
)

// The request: polos by size (XS none), at a unit price and a setup fee, half paid
// before production. Prices are whole pesos.
var (
	quoteSizes = []struct {
		name string
		qty  int
	}{{"xs", 0}, {"s", 20}, {"m", 40}, {"l", 30}, {"xl", 20}, {"xxl", 10}}
)

const (
	quoteGarments   = 120
	quoteUnitPrice  = 38_000
	quoteSetupFee   = 150_000
	quoteTotal      = quoteGarments*quoteUnitPrice + quoteSetupFee // 4.710.000
	quoteDepositPct = 50
	quoteDeposit    = quoteTotal * quoteDepositPct / 100 // 2.355.000
)

// quoteJourney carries what the journey learns for its next steps.
type quoteJourney struct {
	t     *testing.T
	s     store
	audit *liveAudit
	shot  string // the current step's screenshot, named in audit failures

	client, staff, lead, other *tab

	logo, proof   string // PNG files to upload
	proofBytes    []byte
	deadline      string // YYYY-MM-DD, 45 days ahead in Bogotá
	month         string // YYYY-MM, this month in Bogotá
	number        string // COT-…
	clientURL     string // /corporate/quotes/ID
	staffURL      string // /admin/quotes/ID
	jobURL        string // /studio/jobs/ID
	proformaURL   string // the client's proforma page
	companyNIT    string // as staff see it
	sizes         []jobSize
	transferRef   string
	workshopID    string
	workshopShare int64 // the workshop's share of the deposit, from the lead's statement
}

// quoteStep is one thing someone does in the journey, in their own tab.
type quoteStep struct {
	name string
	on   func(j *quoteJourney) *tab
	do   func(ctx context.Context, j *quoteJourney) error
}

func (j *quoteJourney) clientTab() *tab { return j.client }
func (j *quoteJourney) staffTab() *tab  { return j.staff }
func (j *quoteJourney) leadTab() *tab   { return j.lead }
func (j *quoteJourney) otherTab() *tab  { return j.other }

// runQuote is TestBrowser/quote/desktop: the demo company's buyer logs in from the
// companies' page and requests 120 polos in five sizes with a logo, first without a
// delivery city (the form comes back with everything typed and the logo kept), then
// complete; staff find the request and price it with a proof, assigning the sewing
// workshop all the work; the buyer sees the version and its proof, approves and
// accepts, sees the deposit due and opens the proforma (and its PDF); staff record
// the deposit's transfer; the workshop's lead records progress (a partial save, then
// counts the rules refuse, which come back as typed), finishes every garment and
// marks the job ready; staff deliver with a note and the delivery note names both
// NITs; the lead's statement and the admin's ledger credit the workshop with the
// deposit; and a second company's buyer gets a 404 for the quote. Each person has a
// browser context of their own. Each step ends with a full-page screenshot; a failed
// step is photographed as it stands and ends the journey. The new page types are
// audited (axe, and vnu at the end of the part) where the journey reaches them.
func runQuote(t *testing.T, s store, browser context.Context, a artifacts, audit *liveAudit) {
	vp := desktop
	own := func() *tab { return newTab(t, browser, vp, s.base, a.shots, chromedp.WithNewBrowserContext()) }
	dir := t.TempDir()
	logo, err := writeTestPNG(dir, "logo-uniformes.png", color.RGBA{0x1f, 0x4e, 0x79, 0xff})
	if err != nil {
		t.Fatal(err)
	}
	proof, err := writeTestPNG(dir, "prueba-bordado.png", color.RGBA{0x2e, 0x7d, 0x32, 0xff})
	if err != nil {
		t.Fatal(err)
	}
	proofBytes, err := os.ReadFile(proof)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(bogota)
	j := &quoteJourney{t: t, s: s, audit: audit, client: own(), staff: own(), lead: own(), other: own(),
		logo: logo, proof: proof, proofBytes: proofBytes,
		deadline:    now.AddDate(0, 0, 45).Format(time.DateOnly),
		month:       ledger.MonthStart(time.Now()).Format(monthLayout),
		transferRef: fmt.Sprintf("TRF-%d", time.Now().UnixNano()%1_000_000_000)}
	steps := []quoteStep{
		{"corporate", (*quoteJourney).clientTab, stepCorporateLogin},
		{"request-form", (*quoteJourney).clientTab, stepRequestForm},
		{"request-mistake", (*quoteJourney).clientTab, stepRequestMistake},
		{"request-sent", (*quoteJourney).clientTab, stepRequestSent},
		{"staff-find", (*quoteJourney).staffTab, stepStaffFindQuote},
		{"staff-price", (*quoteJourney).staffTab, stepStaffPrice},
		{"client-version", (*quoteJourney).clientTab, stepClientVersion},
		{"client-accept", (*quoteJourney).clientTab, stepClientAccept},
		{"proforma", (*quoteJourney).clientTab, stepProforma},
		{"staff-deposit", (*quoteJourney).staffTab, stepStaffDeposit},
		{"lead-job", (*quoteJourney).leadTab, stepLeadJob},
		{"lead-partial", (*quoteJourney).leadTab, stepLeadPartial},
		{"lead-refused", (*quoteJourney).leadTab, stepLeadRefused},
		{"lead-ready", (*quoteJourney).leadTab, stepLeadReady},
		{"staff-deliver", (*quoteJourney).staffTab, stepStaffDeliver},
		{"delivery-note", (*quoteJourney).staffTab, stepDeliveryNote},
		{"lead-statement", (*quoteJourney).leadTab, stepLeadStatement},
		{"admin-ledger", (*quoteJourney).staffTab, stepQuoteAdminLedger},
		{"other-company", (*quoteJourney).otherTab, stepOtherCompany},
	}
	for i, st := range steps {
		name := fmt.Sprintf("quote-%s-%02d-%s", vp.name, i+1, st.name)
		on := st.on(j)
		j.shot = on.shotPath(name)
		start := time.Now()
		if err := on.run(func(ctx context.Context) error { return st.do(ctx, j) }); err != nil {
			shot := on.screenshot(name + "-FAILED")
			t.Fatalf("%s quote journey, step %q failed at %s:\n  %v\n  screenshot: %s", vp.name, st.name, on.location(), err, shot)
		}
		t.Logf("%s (%s): %s", st.name, time.Since(start).Round(100*time.Millisecond), on.screenshot(name))
	}
}

// check audits the page tb shows now, fetched with its session for vnu.
func (j *quoteJourney) check(ctx context.Context, tb *tab, name string) error {
	path, err := currentPath(ctx)
	if err != nil {
		return err
	}
	return j.audit.check(ctx, j.t, tb, name, j.shot, func() ([]byte, error) { return tb.serverHTML(ctx, path) })
}

// bogota is where the store's days begin and end.
var bogota = func() *time.Location {
	if loc, err := time.LoadLocation("America/Bogota"); err == nil {
		return loc
	}
	return time.FixedZone("COT", -5*3600)
}()

// setField sets the value of the input with id as a date picker or a typed number
// would, with the events a page listens for.
func setField(ctx context.Context, id, v string) error {
	ok, err := eval[bool](ctx, fmt.Sprintf(`(() => {
		const el = document.getElementById(%s);
		if (!el) return false;
		el.value = %s;
		el.dispatchEvent(new Event("input", {bubbles: true}));
		el.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})()`, jsString(id), jsString(v)))
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("no field #%s on the page", id)
	}
	return nil
}

// fieldValues are the values of the named form fields as the page holds them (a
// select's chosen value, a box's checked state as "on"/"").
func fieldValues(ctx context.Context, names ...string) (map[string]string, error) {
	return eval[map[string]string](ctx, fmt.Sprintf(`Object.fromEntries(%s.map(n => {
		const el = document.querySelector("main [name='" + n + "']");
		if (!el) return [n, "(none)"];
		if (el.type === "checkbox" || el.type === "radio") return [n, el.checked ? "on" : ""];
		return [n, el.value];
	}))`, jsStrings(names)))
}

func jsStrings(ss []string) string {
	b, _ := json.Marshal(ss)
	return string(b)
}

// statusText is the status badge in the page's header.
func statusText(ctx context.Context) (string, error) {
	return visibleText(ctx, `//main//header//span[contains(concat(" ", normalize-space(@class), " "), " status ")]`)
}

func wantStatus(ctx context.Context, want string) error {
	got, err := statusText(ctx)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("the quote's status reads %q, want %q", got, want)
	}
	return nil
}

// wantNotFound opens path in the tab and wants the store's 404 page.
func wantNotFound(ctx context.Context, tb *tab, path string) error {
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(tb.base+path))
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if resp.Status != http.StatusNotFound {
		return fmt.Errorf("%s answered %d, want 404", path, resp.Status)
	}
	return nil
}

// writeTestPNG draws a 240x160 PNG (a badge on a light ground, in c) for the uploads.
func writeTestPNG(dir, name string, c color.RGBA) (string, error) {
	img := image.NewRGBA(image.Rect(0, 0, 240, 160))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{0xf7, 0xf4, 0xee, 0xff}}, image.Point{}, draw.Src)
	for y := -60; y <= 60; y++ {
		for x := -60; x <= 60; x++ {
			if x*x+y*y <= 3600 {
				img.Set(120+x, 80+y, c)
			}
		}
	}
	draw.Draw(img, image.Rect(90, 70, 150, 90), &image.Uniform{color.White}, image.Point{}, draw.Src)
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		return "", fmt.Errorf("write %s: %w", name, err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return "", fmt.Errorf("encode %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("write %s: %w", name, err)
	}
	return path, nil
}
