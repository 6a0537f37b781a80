package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Elements are found by what a shopper sees (link texts, labels) where that is
// unambiguous, and by the page's structure (landmarks, form roles) otherwise.
const (
	shoesNavLink   = chromedp.Search(`//header//nav//a[normalize-space()="Calzado"]`)
	filtersToggle  = chromedp.Search(`//details[contains(@class,"filters")]/summary`)
	size38Label    = chromedp.Search(`//form[contains(@class,"filter-form")]//label[@for=//input[@name="size" and @value="38"]/@id]`)
	applyFilters   = chromedp.Search(`//form[contains(@class,"filter-form")]//button[@type="submit"]`)
	englishLink    = chromedp.Search(`//header//a[normalize-space()="English"]`)
	spanishLink    = chromedp.Search(`//header//a[normalize-space()="Español"]`)
	headerSearch   = chromedp.Search(`#site-q`)
	headerSearchGo = chromedp.Search(`//header//form[@role="search"]//button[@type="submit"]`)
	pageHeading    = chromedp.Search(`//main//h1`)
	productPrice   = chromedp.Search(`//main//article//*[contains(@class,"price")]`)
)

// journeyStep is one thing a shopper does and what they must then see.
type journeyStep struct {
	name string
	do   func(ctx context.Context, j *journey) error
}

// journey carries what one step learns for the next ones.
type journey struct {
	tab     *tab
	product string // path of the product opened
}

// runJourney is TestBrowser/journey/{phone,desktop}: a shopper finds shoes in size 38,
// sees which sizes are sold out, reads the product in English and searches without
// accents. Each step ends with a full-page screenshot; a failed step is photographed
// as it stands and ends the journey.
func runJourney(t *testing.T, tb *tab) {
	j := &journey{tab: tb}
	steps := []journeyStep{
		{"home", stepHome},
		{"shoes", stepShoes},
		{"size-38", stepSize38},
		{"product", stepProduct},
		{"sold-out-sizes", stepSoldOut},
		{"english", stepEnglish},
		{"search-cafe", stepSearchCafe},
	}
	for i, s := range steps {
		name := fmt.Sprintf("%s-%02d-%s", tb.vp.name, i+1, s.name)
		if err := tb.run(func(ctx context.Context) error { return s.do(ctx, j) }); err != nil {
			shot := tb.screenshot(name + "-FAILED")
			t.Fatalf("%s journey, step %q failed at %s:\n  %v\n  screenshot: %s", tb.vp.name, s.name, tb.location(), err, shot)
		}
		t.Logf("%s: %s", s.name, tb.screenshot(name))
	}
}

func stepHome(ctx context.Context, j *journey) error {
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(j.tab.base+"/"))
	if err != nil {
		return err
	}
	if resp.Status != 200 {
		return fmt.Errorf("home answered %d", resp.Status)
	}
	if lang, err := eval[string](ctx, `document.documentElement.lang`); err != nil || lang != "es" {
		return fmt.Errorf("home page language is %q, want es (%v)", lang, err)
	}
	h1, err := visibleText(ctx, pageHeading)
	if err != nil {
		return err
	}
	if h1 == "" {
		return errors.New("home has an empty main heading")
	}
	return chromedp.Do(ctx, chromedp.WaitVisible(shoesNavLink))
}

func stepShoes(ctx context.Context, j *journey) error {
	if err := pressAndLoad(ctx, j.tab.vp, shoesNavLink); err != nil {
		return err
	}
	if err := wantPath(ctx, "/catalogo/calzado"); err != nil {
		return err
	}
	h1, err := visibleText(ctx, pageHeading)
	if err != nil {
		return err
	}
	if !strings.Contains(h1, "Calzado") {
		return fmt.Errorf("shoes listing heading is %q, want it to say Calzado", h1)
	}
	_, err = visibleProducts(ctx)
	return err
}

func stepSize38(ctx context.Context, j *journey) error {
	// On a phone the filters fold into a <details>; a shopper opens it first. (On a
	// desktop CSS shows them as a sidebar.)
	shown, err := eval[bool](ctx, `!!document.querySelector('input[name="size"][value="38"]')?.labels[0]?.checkVisibility()`)
	if err != nil {
		return err
	}
	if !shown {
		if err := chromedp.Do(ctx, press(j.tab.vp, filtersToggle)); err != nil {
			return fmt.Errorf("open the filters: %w", err)
		}
	}
	if err := chromedp.Do(ctx, press(j.tab.vp, size38Label)); err != nil {
		return fmt.Errorf("choose size 38 in the filter form: %w", err)
	}
	if err := pressAndLoad(ctx, j.tab.vp, applyFilters); err != nil {
		return err
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return err
	}
	u, err := url.Parse(loc)
	if err != nil {
		return err
	}
	if u.Path != "/catalogo/calzado" || !slices.Contains(u.Query()["size"], "38") {
		return fmt.Errorf("the filter form led to %s, want /catalogo/calzado with size=38", loc)
	}
	checked, err := eval[bool](ctx, `!!document.querySelector('input[name="size"][value="38"]')?.checked`)
	if err != nil {
		return err
	}
	if !checked {
		return errors.New("after filtering, size 38 is not shown as chosen")
	}
	// With the filters folded away on a phone, a visible chip says what is in force.
	chip, err := eval[bool](ctx, `[...document.querySelectorAll('.active-filters a')].some(a => a.checkVisibility() && a.textContent.includes('Talla 38'))`)
	if err != nil {
		return err
	}
	if !chip {
		return errors.New(`after filtering, no visible "Talla 38" chip shows the size filter in force`)
	}
	_, err = visibleProducts(ctx)
	return err
}

// stepProduct opens products from the size-38 results, as a shopper browsing would,
// until one has a sold-out size (the demo catalog has some), going back after each.
func stepProduct(ctx context.Context, j *journey) error {
	hrefs, err := visibleProducts(ctx)
	if err != nil {
		return err
	}
	for _, href := range hrefs {
		link := chromedp.Search(fmt.Sprintf(`(//main//a[@href=%q])[1]`, href))
		if err := pressAndLoad(ctx, j.tab.vp, link); err != nil {
			return err
		}
		n, err := eval[int](ctx, `document.querySelectorAll('input[name="variant"]:disabled').length`)
		if err != nil {
			return err
		}
		if n > 0 {
			j.product = href
			break
		}
		if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.NavigateBack())); err != nil {
			return fmt.Errorf("go back to the results: %w", err)
		}
	}
	if j.product == "" {
		return fmt.Errorf("none of the %d products in size 38 has a sold-out size; the demo catalog should have one", len(hrefs))
	}
	if _, err := visibleText(ctx, pageHeading); err != nil {
		return err
	}
	price, err := visibleText(ctx, productPrice)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(price, "$") {
		return fmt.Errorf("Spanish price reads %q, want it to start with $", price)
	}
	return nil
}

// variantState is what a shopper sees of one size option.
type variantState struct {
	Disabled bool   `json:"disabled"`
	Checked  bool   `json:"checked"`
	Label    string `json:"label"`
	Visible  bool   `json:"visible"`
	ID       string `json:"id"`
}

const variantsJS = `[...document.querySelectorAll('input[name="variant"]')].map(i => {
	const l = document.querySelector('label[for="' + i.id + '"]');
	return {disabled: i.disabled, checked: i.checked, id: i.id,
		label: l ? l.innerText.replace(/\s+/g, " ").trim() : "",
		visible: !!l && l.checkVisibility()};
})`

func stepSoldOut(ctx context.Context, j *journey) error {
	return checkVariants(ctx, j, "Agotado", true)
}

func checkVariants(ctx context.Context, j *journey, soldOut string, tryPress bool) error {
	vs, err := eval[[]variantState](ctx, variantsJS)
	if err != nil {
		return err
	}
	var disabled *variantState
	enabled := 0
	for i, v := range vs {
		if !v.Visible {
			return fmt.Errorf("size option %q is not visible", v.Label)
		}
		switch {
		case v.Disabled && !strings.Contains(v.Label, soldOut):
			return fmt.Errorf("size %q cannot be chosen but does not say %q", v.Label, soldOut)
		case !v.Disabled && strings.Contains(v.Label, soldOut):
			return fmt.Errorf("size %q says %q but can be chosen", v.Label, soldOut)
		case v.Disabled:
			disabled = &vs[i]
		default:
			enabled++
		}
	}
	if disabled == nil {
		return fmt.Errorf("no size is shown as %q", soldOut)
	}
	if enabled == 0 {
		return errors.New("no size can be chosen")
	}
	if !tryPress {
		return nil
	}
	// A shopper who taps the sold-out size must not end up with it chosen.
	label := chromedp.Search(fmt.Sprintf(`//label[@for=%q]`, disabled.ID))
	if err := chromedp.Do(ctx, press(j.tab.vp, label)); err != nil {
		return fmt.Errorf("press the sold-out size: %w", err)
	}
	checked, err := eval[bool](ctx, fmt.Sprintf(`document.getElementById(%q).checked`, disabled.ID))
	if err != nil {
		return err
	}
	if checked {
		return fmt.Errorf("pressing sold-out size %q chose it", disabled.Label)
	}
	return nil
}

func stepEnglish(ctx context.Context, j *journey) error {
	if err := pressAndLoad(ctx, j.tab.vp, englishLink); err != nil {
		return err
	}
	want := "/en/product/" + strings.TrimPrefix(j.product, "/producto/")
	if err := wantPath(ctx, want); err != nil {
		return err
	}
	if lang, err := eval[string](ctx, `document.documentElement.lang`); err != nil || lang != "en" {
		return fmt.Errorf("page language is %q, want en (%v)", lang, err)
	}
	price, err := visibleText(ctx, productPrice)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(price, "COP ") {
		return fmt.Errorf("English price reads %q, want COP and the amount", price)
	}
	body, err := visibleText(ctx, chromedp.Search(`//main`))
	if err != nil {
		return err
	}
	for _, w := range []string{"Made by", "Sold out"} {
		if !strings.Contains(body, w) {
			return fmt.Errorf("the English product page does not say %q", w)
		}
	}
	for _, w := range []string{"Agotado", "Hecho por"} {
		if strings.Contains(body, w) {
			return fmt.Errorf("the English product page still says %q", w)
		}
	}
	return checkVariants(ctx, j, "Sold out", false)
}

func stepSearchCafe(ctx context.Context, j *journey) error {
	if err := pressAndLoad(ctx, j.tab.vp, spanishLink); err != nil {
		return fmt.Errorf("back to Spanish: %w", err)
	}
	if err := chromedp.Do(ctx, press(j.tab.vp, headerSearch), chromedp.SendKeys(headerSearch, "cafe")); err != nil {
		return fmt.Errorf("type in the search box: %w", err)
	}
	if err := pressAndLoad(ctx, j.tab.vp, headerSearchGo); err != nil {
		return err
	}
	if err := wantPath(ctx, "/buscar"); err != nil {
		return err
	}
	if _, err := visibleProducts(ctx); err != nil {
		return err
	}
	titles, err := eval[[]string](ctx, `[...document.querySelectorAll('main li a[href^="/producto/"]')]
		.filter(a => a.checkVisibility()).map(a => a.innerText.trim())`)
	if err != nil {
		return err
	}
	for _, s := range titles {
		if strings.Contains(strings.ToLower(s), "café") {
			return nil
		}
	}
	return fmt.Errorf("searching \"cafe\" shows %q, none with \"café\"", titles)
}

// visibleProducts returns the product links that are visible in the main content, in
// page order and without repeats; it fails when there are none.
func visibleProducts(ctx context.Context) ([]string, error) {
	hrefs, err := eval[[]string](ctx, `[...new Set([...document.querySelectorAll('main a[href^="/producto/"], main a[href^="/en/product/"]')]
		.filter(a => a.checkVisibility()).map(a => a.getAttribute("href")))]`)
	if err != nil {
		return nil, err
	}
	if len(hrefs) == 0 {
		return nil, errors.New("no product is shown")
	}
	return hrefs, nil
}

func wantPath(ctx context.Context, want string) error {
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return err
	}
	u, err := url.Parse(loc)
	if err != nil {
		return err
	}
	if u.Path != want {
		return fmt.Errorf("at %s, want path %s", loc, want)
	}
	return nil
}
