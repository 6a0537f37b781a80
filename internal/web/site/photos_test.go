package site

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// srcsetEntry is one candidate of a srcset: "URL 640w".
var srcsetEntry = regexp.MustCompile(`^(\S+) (\d+)w$`)

// candidates splits a srcset into its URLs, failing on a malformed candidate.
func candidates(t *testing.T, srcset string) []string {
	t.Helper()
	var urls []string
	for c := range strings.SplitSeq(srcset, ",") {
		m := srcsetEntry.FindStringSubmatch(strings.TrimSpace(c))
		if m == nil {
			t.Fatalf("srcset candidate %q is not \"URL NNNw\"", c)
		}
		urls = append(urls, m[1])
	}
	return urls
}

// fetchMedia GETs a photo URL of the page (served by the test server's /media) and
// returns its bytes, failing unless it answers 200 with the given type.
func fetchMedia(t *testing.T, url, wantType string) []byte {
	t.Helper()
	res, err := http.Get(testURL + url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != wantType {
		t.Fatalf("GET %s = %d %s, want 200 %s", url, res.StatusCode, res.Header.Get("Content-Type"), wantType)
	}
	return b
}

// checkPicture checks one photo: a <picture> whose WebP <source> offers the same
// widths as the JPEG <img> (which stays for browsers without WebP), with sizes on
// both and the intrinsic size set so nothing shifts as it loads.
func checkPicture(t *testing.T, where string, img *goquery.Selection) {
	t.Helper()
	pic := img.Parent()
	if goquery.NodeName(pic) != "picture" {
		t.Fatalf("%s: photo is not in a <picture>", where)
	}
	src := pic.Find(`source[type="image/webp"]`)
	if src.Length() != 1 {
		t.Fatalf("%s: %d WebP sources, want 1", where, src.Length())
	}
	webp, jpeg := candidates(t, src.AttrOr("srcset", "")), candidates(t, img.AttrOr("srcset", ""))
	if len(webp) != len(jpeg) {
		t.Errorf("%s: %d WebP widths, %d JPEG", where, len(webp), len(jpeg))
	}
	for i, u := range webp {
		if !strings.HasSuffix(u, ".webp") || i < len(jpeg) && strings.TrimSuffix(u, ".webp") != strings.TrimSuffix(jpeg[i], ".jpg") {
			t.Errorf("%s: WebP candidate %q does not match JPEG %q", where, u, jpeg[min(i, len(jpeg)-1)])
		}
	}
	if src.AttrOr("sizes", "") == "" || src.AttrOr("sizes", "") != img.AttrOr("sizes", "") {
		t.Errorf("%s: sizes %q on the source, %q on the img", where, src.AttrOr("sizes", ""), img.AttrOr("sizes", ""))
	}
	if img.AttrOr("width", "") == "" || img.AttrOr("height", "") == "" {
		t.Errorf("%s: img without width and height", where)
	}
}

// productWithPhotos is the slug of a demo product with at least n photos.
func productWithPhotos(t *testing.T, n int) string {
	t.Helper()
	var slug string
	err := testDB.Get(&slug, `SELECT p.slug FROM products p JOIN photos ph ON ph.product_id = p.id
		WHERE p.status = 'active' GROUP BY p.id HAVING count(*) >= $1 ORDER BY p.id LIMIT 1`, n)
	if err != nil {
		t.Fatalf("a product with %d photos: %v", n, err)
	}
	return slug
}

func TestProductPhotoLoadsFirstAndOthersLazily(t *testing.T) {
	doc := mustGet(t, "/producto/"+productWithPhotos(t, 2))
	main := doc.Find(".gallery-main img")
	if main.Length() != 1 {
		t.Fatalf("%d main photos, want 1", main.Length())
	}
	checkPicture(t, "main photo", main)
	if _, lazy := main.Attr("loading"); lazy || main.AttrOr("fetchpriority", "") != "high" {
		t.Errorf("main photo: loading=%q fetchpriority=%q; the largest paint must load at once, first",
			main.AttrOr("loading", ""), main.AttrOr("fetchpriority", ""))
	}
	more := doc.Find(".gallery-more img")
	if more.Length() == 0 {
		t.Fatal("no further photos in the gallery")
	}
	more.Each(func(i int, img *goquery.Selection) {
		checkPicture(t, "gallery photo", img)
		if img.AttrOr("loading", "") != "lazy" || img.AttrOr("decoding", "") != "async" || img.AttrOr("fetchpriority", "") != "" {
			t.Errorf("gallery photo %d: loading=%q decoding=%q fetchpriority=%q, want lazy and async", i,
				img.AttrOr("loading", ""), img.AttrOr("decoding", ""), img.AttrOr("fetchpriority", ""))
		}
	})
	// The WebP the page offers is really there, and lighter than its JPEG.
	webp := candidates(t, main.Parent().Find("source").AttrOr("srcset", ""))
	jpeg := candidates(t, main.AttrOr("srcset", ""))
	w, j := fetchMedia(t, webp[len(webp)-1], "image/webp"), fetchMedia(t, jpeg[len(jpeg)-1], "image/jpeg")
	if len(w) >= len(j) {
		t.Errorf("largest WebP %d bytes, JPEG %d: want the WebP lighter", len(w), len(j))
	}
}

func TestListingThumbnailsLazyAfterFirstRowAndLight(t *testing.T) {
	doc := mustGet(t, "/catalogo/calzado")
	imgs := doc.Find("main .grid .card-img")
	if imgs.Length() < 6 {
		t.Fatalf("%d card photos, want a few rows", imgs.Length())
	}
	imgs.Each(func(i int, img *goquery.Selection) {
		checkPicture(t, "card photo", img)
		_, lazy := img.Attr("loading")
		// The first row (4 cards on a wide screen, 2 rows of 2 on a phone) is on screen at once.
		if first := i < 4; lazy == first {
			t.Errorf("card %d: loading=%q; want the first row eager and later ones lazy", i, img.AttrOr("loading", ""))
		}
		if lazy && img.AttrOr("decoding", "") != "async" {
			t.Errorf("card %d: lazy photo without decoding=async", i)
		}
	})
	// A phone picks at most the 640 px rendition for a card (2 columns, up to 3x
	// density); each must stay under 30 KB in either format.
	first := imgs.First()
	for _, u := range candidates(t, first.Parent().Find("source").AttrOr("srcset", "")) {
		if strings.HasSuffix(u, "/1280.webp") {
			continue
		}
		if b := fetchMedia(t, u, "image/webp"); len(b) > 30<<10 {
			t.Errorf("thumbnail %s is %d bytes, want at most 30 KB", u, len(b))
		}
	}
	if b := fetchMedia(t, first.AttrOr("src", ""), "image/jpeg"); len(b) > 30<<10 {
		t.Errorf("JPEG thumbnail %s is %d bytes, want at most 30 KB", first.AttrOr("src", ""), len(b))
	}
}

func TestCatalogPagesUnder60KB(t *testing.T) {
	product := productWithPhotos(t, 1)
	for _, path := range []string{"/", "/catalogo/calzado", "/catalogo", "/producto/" + product, "/en", "/buscar?q=zapato"} {
		res, err := http.Get(testURL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d", path, res.StatusCode)
		}
		if len(b) > 60<<10 {
			t.Errorf("%s is %d bytes of HTML, want at most 60 KB", path, len(b))
		}
		t.Logf("%s: %d bytes", path, len(b))
	}
}

// TestPhotoWithoutWebPKeepsItsJPEG: a photo stored before WebP renditions existed (not
// recorded as having them) is shown from its JPEGs, with no WebP source to 404.
func TestPhotoWithoutWebPKeepsItsJPEG(t *testing.T) {
	slug := productWithPhotos(t, 1)
	const mark = `UPDATE photos SET webp = $2 WHERE product_id = (SELECT id FROM products WHERE slug = $1)`
	if _, err := testDB.Exec(mark, slug, false); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := testDB.Exec(mark, slug, true); err != nil {
			t.Error(err)
		}
	})
	doc := mustGet(t, "/producto/"+slug)
	main := doc.Find(".gallery-main img")
	if main.Length() != 1 || main.AttrOr("srcset", "") == "" {
		t.Fatalf("main photo missing or without srcset")
	}
	if n := doc.Find(".gallery source").Length(); n != 0 {
		t.Errorf("%d <source> elements for photos without WebP renditions, want 0", n)
	}
	fetchMedia(t, main.AttrOr("src", ""), "image/jpeg")
}
