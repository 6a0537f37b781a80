package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"

	"github.com/chromedp/chromedp"
)

// What a person does on a form and what they then see, for the back-office journeys
// (the shopper's journey has its own in journey_test.go and browser_test.go).

// navigateOK opens u and wants the page (after any redirects) to answer 200.
func navigateOK(ctx context.Context, u string) error {
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(u))
	if err != nil {
		return fmt.Errorf("open %s: %w", u, err)
	}
	if resp.Status != http.StatusOK {
		return fmt.Errorf("%s answered %d", resp.URL, resp.Status)
	}
	return nil
}

// typeInto replaces the value of a text field with v, typed key by key.
func typeInto(sel chromedp.Search, v string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.WaitVisible(sel), chromedp.Focus(sel),
		chromedp.Evaluate[chromedp.Void](`document.activeElement.value = ""`),
		chromedp.SendKeys(sel, v))
}

// choose picks the option of the select with id whose visible text is label.
func choose(ctx context.Context, id, label string) error {
	ok, err := eval[bool](ctx, fmt.Sprintf(`(() => {
		const s = document.getElementById(%s);
		const o = s && [...s.options].find(o => o.text.trim() === %s);
		if (!o) return false;
		s.value = o.value;
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})()`, jsString(id), jsString(label)))
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("select #%s has no option %q", id, label)
	}
	return nil
}

// selectedLabel is the visible text of the chosen option of the select with id.
func selectedLabel(ctx context.Context, id string) (string, error) {
	return eval[string](ctx, fmt.Sprintf(`document.getElementById(%s)?.selectedOptions[0]?.text.trim() ?? ""`, jsString(id)))
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func wantHeading(ctx context.Context, want string) error {
	h1, err := visibleText(ctx, pageHeading)
	if err != nil {
		return err
	}
	if h1 != want {
		return fmt.Errorf("the page's heading is %q, want %q", h1, want)
	}
	return nil
}

// wantFlash wants the one-time message of a redirect (role=status) to say want.
func wantFlash(ctx context.Context, want string) error {
	got, err := visibleText(ctx, flashMessage)
	if err != nil {
		return fmt.Errorf("no message on the page: %w", err)
	}
	if got != want {
		return fmt.Errorf("the page's message says %q, want %q", got, want)
	}
	return nil
}

// wantPathLike wants the tab's path to match the pattern and returns it.
func wantPathLike(ctx context.Context, pattern string) (string, error) {
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "", err
	}
	u, err := url.Parse(loc)
	if err != nil {
		return "", err
	}
	if !regexp.MustCompile(pattern).MatchString(u.Path) {
		return "", fmt.Errorf("at %s, want a path like %s", loc, pattern)
	}
	return u.Path, nil
}

// currentPath is the tab's path and query, as a request to the store would have them.
func currentPath(ctx context.Context) (string, error) {
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "", err
	}
	u, err := url.Parse(loc)
	if err != nil {
		return "", err
	}
	return u.RequestURI(), nil
}

// photoLoadedJS waits (at most 5 s) for the first image matching a selector and
// returns its natural width: 0 when it did not load, -1 when there is none.
const photoLoadedJS = `(async sel => {
	const img = document.querySelector(sel);
	if (!img) return -1;
	img.scrollIntoView({block: "center"});
	if (!img.complete) {
		await new Promise(r => { img.addEventListener("load", r); img.addEventListener("error", r); setTimeout(r, 5000); });
	}
	scrollTo(0, 0);
	return img.naturalWidth;
})(%s)`

// loadedImage wants the first image matching the CSS selector to have loaded.
func loadedImage(ctx context.Context, css string) error {
	w, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(photoLoadedJS, jsString(css)), chromedp.EvalAwaitPromise))
	if err != nil {
		return err
	}
	switch {
	case w < 0:
		return fmt.Errorf("no image %s on the page", css)
	case w == 0:
		return fmt.Errorf("image %s did not load", css)
	}
	return nil
}

// writeTestPhoto draws an 800x600 JPEG (a boot-ish shape on a warm background) for
// the upload step and returns its path.
func writeTestPhoto(dir string) (string, error) {
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	fill := func(r image.Rectangle, c color.RGBA) { draw.Draw(img, r, &image.Uniform{c}, image.Point{}, draw.Src) }
	fill(img.Bounds(), color.RGBA{0xf3, 0xe6, 0xd3, 0xff})
	for y := 0; y < 600; y += 40 { // a striped floor
		fill(image.Rect(0, 480+y/8, 800, 482+y/8), color.RGBA{0xd9, 0xc4, 0xa8, 0xff})
	}
	brown := color.RGBA{0x7a, 0x3e, 0x1d, 0xff}
	fill(image.Rect(300, 120, 460, 430), brown)                              // shaft
	fill(image.Rect(300, 330, 640, 430), brown)                              // foot
	fill(image.Rect(280, 430, 660, 460), color.RGBA{0x2b, 0x1d, 0x14, 0xff}) // sole
	for y := -60; y <= 60; y++ {                                             // a round toe
		for x := -60; x <= 60; x++ {
			if x*x+y*y <= 3600 {
				img.Set(630+x, 380+y, brown)
			}
		}
	}
	for y := 150; y < 320; y += 30 { // laces
		fill(image.Rect(330, y, 430, y+6), color.RGBA{0xf5, 0xd0, 0x8a, 0xff})
	}
	path := filepath.Join(dir, "bota-de-prueba.jpg")
	f, err := os.Create(path)
	if err != nil {
		return "", fmt.Errorf("write test photo: %w", err)
	}
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 85}); err != nil {
		f.Close()
		return "", fmt.Errorf("encode test photo: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("write test photo: %w", err)
	}
	return path, nil
}
