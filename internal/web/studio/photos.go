package studio

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/media"
	"github.com/libres/storefront/internal/web/kit"
)

// addPhotos takes several files at once. The multipart body is read part by part and
// each file is cut off as soon as it passes media.MaxUploadBytes, so an oversized photo
// is refused while it is still arriving, not after it has been stored; accepted files
// wait in temporary files (not memory) until the pipeline has processed them.
func (h *Handler) addPhotos(c *gin.Context, lang string) error {
	p, err := h.product(c)
	if err != nil {
		return err
	}
	uploads, cleanup, err := spoolUploads(c.Request, "photos")
	defer cleanup()
	if err == nil && len(uploads) == 0 {
		err = apperr.Fields(map[string]string{"photos": "photo.none"})
	}
	if err == nil {
		_, err = h.Editor.AddPhotos(c.Request.Context(), scope(c), actor(c), p.ID, reportingStore{h.Photos}, uploads)
	}
	if err != nil {
		if e := apperr.As(err); e != nil && e.Key == keyStoreUnavailable {
			h.Log.Warn("photo upload refused: the photo store failed", "product_id", p.ID, "err", err)
		}
		return h.photoFailed(c, lang, p, err)
	}
	h.SetFlash(c, "ok", "studio.photos.added")
	kit.Redirect(c, h.Base+"/products/"+strconv.FormatInt(p.ID, 10)+"#photos")
	return nil
}

// reportingStore marks the photo store's own failures (the object store down or
// failing): the lead is told the photos cannot be stored now, beside the photo field of
// the editor they were on, rather than shown an error page that loses it. Nothing is
// recorded for such an upload; renditions stored before the failure are
// content-addressed and reused by the retry.
type reportingStore struct{ media.Store }

const keyStoreUnavailable = "photo.store_unavailable"

func (s reportingStore) Put(ctx context.Context, key string, body []byte, contentType string) error {
	return storeFailed(s.Store.Put(ctx, key, body, contentType))
}

func (s reportingStore) Exists(ctx context.Context, key string) (bool, error) {
	ok, err := s.Store.Exists(ctx, key)
	return ok, storeFailed(err)
}

func storeFailed(err error) error {
	if err == nil || apperr.As(err) != nil || errors.Is(err, context.Canceled) {
		return err
	}
	return &apperr.Error{Code: apperr.Unavailable, Key: keyStoreUnavailable,
		Fields: map[string]string{"photos": "photo.field.store_unavailable"}, Err: err}
}

// spoolUploads copies every file part named field to a temporary file, refusing one
// that is too large as soon as it passes the limit.
func spoolUploads(r *http.Request, field string) ([]catalog.Upload, func(), error) {
	var files []string
	cleanup := func() {
		for _, f := range files {
			_ = os.Remove(f)
		}
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, cleanup, apperr.Wrap(err, apperr.Invalid, "studio.photos.not_multipart")
	}
	var uploads []catalog.Upload
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, cleanup, apperr.Fields(map[string]string{"photos": "photo.field.too_large"})
			}
			return nil, cleanup, apperr.Wrap(err, apperr.Invalid, "studio.photos.broken_upload")
		}
		if part.FormName() != field || part.FileName() == "" {
			part.Close()
			continue
		}
		if len(uploads) >= catalog.MaxPhotos {
			part.Close()
			return nil, cleanup, apperr.Fields(map[string]string{"photos": "photo.too_many"})
		}
		name := filepath.Base(part.FileName())
		tmp, err := os.CreateTemp("", "libres-upload-*")
		if err != nil {
			part.Close()
			return nil, cleanup, err
		}
		files = append(files, tmp.Name())
		n, err := io.Copy(tmp, io.LimitReader(part, media.MaxUploadBytes+1))
		part.Close()
		tmp.Close()
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, cleanup, tooLarge(name)
			}
			return nil, cleanup, apperr.Wrap(err, apperr.Invalid, "studio.photos.broken_upload")
		}
		if n > media.MaxUploadBytes {
			return nil, cleanup, tooLarge(name)
		}
		path := tmp.Name()
		uploads = append(uploads, catalog.Upload{Name: name, Open: func() (io.ReadCloser, error) { return os.Open(path) }})
	}
	return uploads, cleanup, nil
}

func tooLarge(name string) error {
	e := apperr.New(apperr.Invalid, "photo.too_large", name, media.MaxUploadBytes>>20)
	e.Fields = map[string]string{"photos": "photo.field.too_large"}
	return e
}

// photoFailed re-shows the editor with the photo error next to the file input.
func (h *Handler) photoFailed(c *gin.Context, lang string, p catalog.Product, err error) error {
	form := kit.EmptyForm()
	status := h.Fail(form, lang, err)
	if status == 0 {
		return err
	}
	errs := map[string]string{}
	for k, v := range form.Errors {
		if strings.HasPrefix(k, "photos.") {
			k = "photos"
		}
		errs[k] = v
	}
	return h.renderEditor(c, lang, status, p.ID, p.Form(), errs, form.Message)
}

// reorderPhotos reads a position number per photo ("pos.ID") and saves that order.
func (h *Handler) reorderPhotos(c *gin.Context, lang string) error {
	p, err := h.product(c)
	if err != nil {
		return err
	}
	type pos struct {
		id int64
		n  int
	}
	var order []pos
	for i, ph := range p.Photos {
		n, err := strconv.Atoi(strings.TrimSpace(c.PostForm("pos." + strconv.FormatInt(ph.ID, 10))))
		if err != nil {
			n = i + 1
		}
		order = append(order, pos{ph.ID, n})
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].n < order[j].n })
	ids := make([]int64, len(order))
	for i, o := range order {
		ids[i] = o.id
	}
	if err := h.Editor.ReorderPhotos(c.Request.Context(), scope(c), actor(c), p.ID, ids); err != nil {
		return h.photoFailed(c, lang, p, err)
	}
	h.SetFlash(c, "ok", "studio.photos.reordered")
	kit.Redirect(c, h.Base+"/products/"+strconv.FormatInt(p.ID, 10)+"#photos")
	return nil
}

func (h *Handler) updatePhoto(c *gin.Context, lang string) error {
	p, err := h.product(c)
	if err != nil {
		return err
	}
	photoID, err := kit.ParamID(c, "photo")
	if err != nil {
		return err
	}
	err = h.Editor.UpdatePhotoAlt(c.Request.Context(), scope(c), actor(c), p.ID, photoID,
		strings.TrimSpace(c.PostForm("alt_es")), strings.TrimSpace(c.PostForm("alt_en")))
	if err != nil {
		return h.photoFailed(c, lang, p, err)
	}
	h.SetFlash(c, "ok", "studio.photos.saved")
	kit.Redirect(c, h.Base+"/products/"+strconv.FormatInt(p.ID, 10)+"#photos")
	return nil
}

func (h *Handler) deletePhoto(c *gin.Context, lang string) error {
	p, err := h.product(c)
	if err != nil {
		return err
	}
	photoID, err := kit.ParamID(c, "photo")
	if err != nil {
		return err
	}
	if err := h.Editor.DeletePhoto(c.Request.Context(), scope(c), actor(c), p.ID, photoID); err != nil {
		return h.photoFailed(c, lang, p, err)
	}
	h.SetFlash(c, "ok", "studio.photos.deleted")
	kit.Redirect(c, h.Base+"/products/"+strconv.FormatInt(p.ID, 10)+"#photos")
	return nil
}
