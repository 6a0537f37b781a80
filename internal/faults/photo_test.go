package faults

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/media"
)

// The workshop lead who uploads the photos.
const leadEmail, leadPassword = "lucia.lider@faults.test", "tortuga verde sube la escalera"

// TestObjectStoreDownDuringPhotoUpload stops the object store, lets a workshop lead
// upload a product photo, and starts the object store again on the same port and data.
// The upload while it is down is answered within the bound with the product's editor
// (its values as the lead left them) and a message next to the photo field saying the
// photos cannot be stored now; nothing is written (no photo row, no product); the same
// upload once it is back is stored, and every file the new photo row names is in the
// bucket.
func TestObjectStoreDownDuringPhotoUpload(t *testing.T) {
	t.Parallel()
	objects := startObjectStore(t)
	c := startCluster(t)
	env := objects.env()
	env["LIBRES_PAGE_CACHE_MB"] = "0"
	s := newStore(t, c, env)
	conn := s.open()
	cat := seedCatalog(t, conn)
	ctx := context.Background()
	var product struct {
		ID       int64  `db:"id"`
		Workshop int64  `db:"workshop_id"`
		Title    string `db:"title_es"`
	}
	if err := conn.GetContext(ctx, &product, `SELECT id, workshop_id, title_es FROM products WHERE slug = $1`, cat.slug); err != nil {
		t.Fatal(err)
	}
	if _, err := account.Provision(ctx, conn, account.NewUser{Email: leadEmail, Name: "Lucía Líder", Role: account.RoleLead,
		Lang: "es", Password: leadPassword, WorkshopIDs: []int64{product.Workshop}}, time.Now()); err != nil {
		t.Fatalf("lead: %v", err)
	}
	s.start()

	lead := newShopper(s.url)
	if r, err := lead.do(http.MethodPost, "/login", url.Values{"email": {leadEmail}, "password": {leadPassword}}); err != nil || r.status != http.StatusSeeOther {
		t.Fatalf("lead login: %d %v", r.status, err)
	}
	editor := "/studio/products/" + strconv.FormatInt(product.ID, 10)
	if r, err := lead.do(http.MethodGet, editor, nil); err != nil || r.status != http.StatusOK {
		t.Fatalf("editor page: %d %v", r.status, err)
	}
	photo := testJPEG(t)

	objects.stop(t)
	down, err := lead.upload(editor+"/photos", "photos", "bolso.jpg", photo)
	if err != nil {
		t.Fatalf("upload with the object store down: no answer after %v: %v", down.took, err)
	}
	var rows, products int
	if err := conn.GetContext(ctx, &rows, `SELECT count(*) FROM photos`); err != nil {
		t.Fatal(err)
	}
	if err := conn.GetContext(ctx, &products, `SELECT count(*) FROM products`); err != nil {
		t.Fatal(err)
	}
	alert, msg := text(down.doc.Find(".form-alert")), text(down.doc.Find("#photos-err"))
	title, _ := down.doc.Find(`input[name="title_es"]`).Attr("value")

	objects.start(t)
	up, err := lead.upload(editor+"/photos", "photos", "bolso.jpg", photo)
	if err != nil {
		t.Fatalf("upload with the object store back: %v", err)
	}
	var stored []struct {
		Key    string        `db:"object_key"`
		Widths pq.Int64Array `db:"renditions"`
		WebP   bool          `db:"webp"`
	}
	if err := conn.SelectContext(ctx, &stored, `SELECT object_key, renditions, webp FROM photos WHERE product_id = $1`, product.ID); err != nil {
		t.Fatal(err)
	}
	files, missing := 0, 0
	for _, ph := range stored {
		for _, w := range ph.Widths {
			keys := []string{media.RenditionKey(ph.Key, int(w))}
			if ph.WebP {
				keys = append(keys, media.WebPKey(ph.Key, int(w)))
			}
			for _, k := range keys {
				files++
				if _, err := os.Stat(objects.object(k)); err != nil {
					missing++
					t.Errorf("photo %s names %s, which is not in the bucket: %v", ph.Key, k, err)
				}
			}
		}
	}
	t.Logf("object store down during a photo upload: answered %d in %d ms with the editor (title kept: %t) and the message beside the photos (%t); "+
		"photo rows written: %d, products: %d; with it back the same upload answered %d in %d ms: %d photo row, %d of %d files in the bucket",
		down.status, down.took.Milliseconds(), title == product.Title, msg == photoFieldUnavailable, rows, products,
		up.status, up.took.Milliseconds(), len(stored), files-missing, files)

	if down.status != http.StatusServiceUnavailable {
		t.Errorf("upload with the object store down answered %d, want 503 with the editor", down.status)
	}
	if down.took > requestBound/2 {
		t.Errorf("upload with the object store down took %v, want an answer within %v", down.took, requestBound/2)
	}
	if title != product.Title {
		t.Errorf("editor after the failed upload shows title %q, want the product's %q", title, product.Title)
	}
	if alert != photosUnavailable || msg != photoFieldUnavailable {
		t.Errorf("messages after the failed upload: %q and beside the photos %q, want %q and %q", alert, msg, photosUnavailable, photoFieldUnavailable)
	}
	if rows != 0 || products != 1 {
		t.Errorf("after the failed upload: %d photo rows and %d products, want none and the one there was", rows, products)
	}
	if up.status != http.StatusSeeOther || up.location != editor+"#photos" {
		t.Errorf("upload with the object store back answered %d to %q, want a redirect to the editor's photos", up.status, up.location)
	}
	if len(stored) != 1 || files == 0 {
		t.Errorf("after the upload with the object store back: %d photo rows naming %d files, want one photo", len(stored), files)
	}
}

// The messages of an upload the photo store could not keep, above the editor and beside
// the photo field (es, the default language).
const (
	photosUnavailable     = "No pudimos guardar las fotos: el almacenamiento de fotos no responde. Los datos del producto siguen aquí; vuelve a escoger las fotos e inténtalo en unos minutos."
	photoFieldUnavailable = "El almacenamiento de fotos no responde ahora. Vuelve a subir las fotos en unos minutos."
)

// upload posts one file as a browser's multipart form does.
func (sh *shopper) upload(path, field, name string, body []byte) (reply, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	part, err := mw.CreateFormFile(field, name)
	if err != nil {
		return reply{}, err
	}
	if _, err := part.Write(body); err != nil {
		return reply{}, err
	}
	if err := mw.Close(); err != nil {
		return reply{}, err
	}
	req, err := http.NewRequest(http.MethodPost, sh.base+path, &buf)
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	start := time.Now()
	res, err := sh.c.Do(req)
	if err != nil {
		return reply{took: time.Since(start)}, err
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	took := time.Since(start)
	if err != nil {
		return reply{status: res.StatusCode, took: took}, err
	}
	return reply{status: res.StatusCode, location: res.Header.Get("Location"), header: res.Header, doc: doc, took: took}, nil
}

// testJPEG is a photo as a phone might send it, only smaller: 1400×1050 with a gradient.
func testJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 1400, 1050))
	for y := range 1050 {
		for x := range 1400 {
			img.Set(x, y, color.RGBA{uint8(x / 6), uint8(y / 5), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
