package corporate

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/kit"
)

// The request form shows startRows line rows; "add a line" re-shows it with one more,
// keeping everything typed (no JavaScript).
const startRows = 3

// lineFields are a line row's fields; a row's inputs are named lines.N.FIELD, as the
// domain names its field errors.
var lineFields = []string{"garment", "fabric", "colour", "xs", "s", "m", "l", "xl", "xxl", "total",
	"customisation", "position"}

// NewView is the request form.
type NewView struct {
	Form       *kit.Form
	Rows       []LineRow
	RowCount   int
	Kept       []KeptFile
	FileErrors []string // one localised line per refused file
	Action     string
	BackURL    string
	Today      string // the earliest deadline the date input offers (tomorrow)
}

// LineRow is one line row of the form.
type LineRow struct {
	Index          int
	No             int // Index + 1, for people
	Garments       []kit.Option
	Customisations []kit.Option
	Sizes          []SizeInput
}

// SizeInput is one quantity input of a row.
type SizeInput struct{ Name, Label string }

// KeptFile is a file the form keeps from an earlier submit.
type KeptFile struct {
	Token, Key, Name, Size string
}

func (h *Handler) newForm(c *gin.Context, lang string) error {
	if err := h.requireApproved(c); err != nil {
		return err
	}
	return h.renderNew(c, lang, http.StatusOK, kit.EmptyForm(), startRows, nil, nil)
}

// requireApproved refuses the form to a company staff have not approved (403 page with
// the reason).
func (h *Handler) requireApproved(c *gin.Context) error {
	co, err := h.Quotes.Company(c.Request.Context(), kit.CurrentUser(c).CompanyID)
	if err != nil {
		return err
	}
	switch co.Status {
	case quote.CompanyApproved:
		return nil
	case quote.CompanyRejected:
		return apperr.New(apperr.Forbidden, "quote.company_rejected")
	}
	return apperr.New(apperr.Forbidden, "quote.company_pending")
}

func (h *Handler) renderNew(c *gin.Context, lang string, status int, f *kit.Form, rows int, kept []KeptFile, fileErrs []string) error {
	pg := h.PrivatePage(c, lang, h.T(lang, "corporate.new.title"), nil)
	v := NewView{Form: f, RowCount: rows, Kept: kept, FileErrors: fileErrs, Action: withLang(c, quotesPath),
		BackURL: withLang(c, quotesPath), Today: tomorrow()}
	for i := range rows {
		r := LineRow{Index: i, No: i + 1}
		pre := fmt.Sprintf("lines.%d.", i)
		r.Garments = []kit.Option{{Value: "", Label: h.T(lang, "corporate.new.choose")}}
		for _, g := range quote.Garments {
			r.Garments = append(r.Garments, kit.Option{Value: g, Label: h.T(lang, "corporate.garment."+g), Selected: f.V(pre+"garment") == g})
		}
		r.Customisations = []kit.Option{{Value: "", Label: h.T(lang, "corporate.new.choose")}}
		for _, cu := range quote.Customisations {
			r.Customisations = append(r.Customisations, kit.Option{Value: cu, Label: h.T(lang, "corporate.custom."+cu),
				Selected: f.V(pre+"customisation") == cu})
		}
		for _, sz := range quote.Sizes {
			r.Sizes = append(r.Sizes, SizeInput{Name: pre + sz, Label: strings.ToUpper(sz)})
		}
		v.Rows = append(v.Rows, r)
	}
	pg.Data = v
	return h.Render(c, status, "corporate/new", pg)
}

// create records a request. Files that pass the rules are stored at once and kept by the
// form (signed), so a request re-shown for another mistake does not lose them; "add a
// line" re-shows the form with one more row, keeping everything.
func (h *Handler) create(c *gin.Context, lang string) error {
	u := kit.CurrentUser(c)
	if err := c.Request.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			f := kit.EmptyForm()
			f.Message = h.T(lang, "corporate.new.too_big")
			return h.renderNew(c, lang, http.StatusRequestEntityTooLarge, f, startRows, nil, nil)
		}
		return fmt.Errorf("%w: %v", kit.ErrBadRequest, err)
	}
	rows := startRows
	if n, err := strconv.Atoi(c.PostForm("rows")); err == nil && n >= 1 {
		rows = min(n, quote.MaxLines)
	}
	fields := []string{"deadline", "delivery_city", "notes"}
	for i := range rows {
		for _, name := range lineFields {
			fields = append(fields, fmt.Sprintf("lines.%d.%s", i, name))
		}
	}
	f := kit.ReadForm(c, fields...)
	ctx := c.Request.Context()

	kept, fileErrs, err := h.keepFiles(c, lang, u.ID)
	if err != nil {
		return err
	}
	if c.PostForm("add_line") != "" {
		return h.renderNew(c, lang, http.StatusOK, f, min(rows+1, quote.MaxLines), h.keptViews(u.ID, kept), fileErrs)
	}
	rf, rowOf := requestForm(f, rows)
	var ups []quote.Upload
	for i := 0; i < len(kept); i++ {
		up, err := h.Quotes.Keep(ctx, kept[i])
		if apperr.CodeOf(err) == apperr.NotFound {
			fileErrs = append(fileErrs, h.T(lang, "corporate.new.kept_gone"))
			kept = append(kept[:i], kept[i+1:]...)
			i--
			continue
		}
		if err != nil {
			return err
		}
		ups = append(ups, up)
	}
	var q quote.Quote
	if len(fileErrs) > 0 {
		// A refused file stops the request; the rest of the form is checked too, so the
		// page shows every mistake at once.
		err = rf.Validate()
		if err == nil {
			err = apperr.Fields(map[string]string{})
		}
	} else {
		q, err = h.Quotes.Request(ctx, u.CompanyID, u.ID, rf, ups)
	}
	if err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			f.Errors = rowErrors(f.Errors, rowOf)
			if len(fileErrs) > 0 {
				f.Errors["files"] = "corporate.new.files_refused"
			}
			return h.renderNew(c, lang, status, f, rows, h.keptViews(u.ID, kept), fileErrs)
		}
		return err
	}
	h.SetFlash(c, "ok", "corporate.new.done")
	kit.Redirect(c, withLang(c, quotePath(q.ID)))
	return nil
}

// keepFiles gathers the files of a submit: those kept from before (unless ticked for
// removal) and the new uploads, checked and stored. It returns the files that passed and
// one message per refused file.
func (h *Handler) keepFiles(c *gin.Context, lang string, userID int64) ([]quote.Kept, []string, error) {
	drop := map[string]bool{}
	for _, k := range c.PostFormArray("drop") {
		drop[k] = true
	}
	var kept []quote.Kept
	var msgs []string
	seen := map[string]bool{}
	for _, tok := range c.PostFormArray("kept") {
		k, ok := h.openKept(userID, tok)
		if !ok {
			msgs = append(msgs, h.T(lang, "corporate.new.kept_gone"))
			continue
		}
		if !drop[k.Key] && !seen[k.Key] {
			seen[k.Key] = true
			kept = append(kept, k)
		}
	}
	var ups []quote.Upload
	if c.Request.MultipartForm != nil {
		for _, fh := range c.Request.MultipartForm.File["files"] {
			if fh.Filename == "" && fh.Size == 0 {
				continue // the empty part a browser sends when no file was picked
			}
			body, err := readUpload(fh)
			if err != nil {
				return nil, nil, err
			}
			ups = append(ups, quote.Upload{Name: fh.Filename, Body: body})
		}
	}
	stashed, fe, err := h.Quotes.Stash(c.Request.Context(), ups)
	if err != nil {
		return nil, nil, err
	}
	for i, up := range ups {
		if key, ok := fe[fmt.Sprintf("files.%d", i)]; ok {
			msgs = append(msgs, h.T(lang, "corporate.new.file_refused", up.Name, h.T(lang, key)))
		}
	}
	for _, k := range stashed {
		if !seen[k.Key] {
			seen[k.Key] = true
			kept = append(kept, k)
		}
	}
	return kept, msgs, nil
}

// readUpload reads a file part, at most one byte over the size limit: enough for the
// rules to refuse it without holding all of a huge file.
func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	r, err := fh.Open()
	if err != nil {
		return nil, fmt.Errorf("open upload %q: %w", fh.Filename, err)
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, quote.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read upload %q: %w", fh.Filename, err)
	}
	return b, nil
}

func (h *Handler) keptViews(userID int64, kept []quote.Kept) []KeptFile {
	out := make([]KeptFile, 0, len(kept))
	for _, k := range kept {
		out = append(out, KeptFile{Token: h.signKept(userID, k), Key: k.Key, Name: k.Name, Size: fileSize(k.Size)})
	}
	return out
}

// requestForm turns the form into the domain's, leaving out rows nobody filled in; rowOf
// maps a line's index in the request back to its row on the page.
func requestForm(f *kit.Form, rows int) (quote.RequestForm, []int) {
	rf := quote.RequestForm{Deadline: f.V("deadline"), DeliveryCity: f.V("delivery_city"), Notes: f.V("notes")}
	var rowOf []int
	for i := range rows {
		v := func(name string) string { return f.V(fmt.Sprintf("lines.%d.%s", i, name)) }
		empty := true
		for _, name := range lineFields {
			if v(name) != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		rf.Lines = append(rf.Lines, quote.LineForm{Garment: v("garment"), Fabric: v("fabric"), Colour: v("colour"),
			XS: v("xs"), S: v("s"), M: v("m"), L: v("l"), XL: v("xl"), XXL: v("xxl"), Total: v("total"),
			Customisation: v("customisation"), Position: v("position")})
		rowOf = append(rowOf, i)
	}
	return rf, rowOf
}

// rowErrors renames the domain's "lines.N.field" errors to the rows they came from.
func rowErrors(errs map[string]string, rowOf []int) map[string]string {
	out := make(map[string]string, len(errs))
	for k, v := range errs {
		if rest, ok := strings.CutPrefix(k, "lines."); ok {
			if n, field, ok := strings.Cut(rest, "."); ok {
				if i, err := strconv.Atoi(n); err == nil && i < len(rowOf) {
					k = fmt.Sprintf("lines.%d.%s", rowOf[i], field)
				}
			}
		}
		out[k] = v
	}
	return out
}

// bogota is where deadlines are days.
var bogota = func() *time.Location {
	if loc, err := time.LoadLocation("America/Bogota"); err == nil {
		return loc
	}
	return time.FixedZone("COT", -5*3600)
}()

// tomorrow is the earliest deadline, for the date input (the domain checks it again).
func tomorrow() string { return time.Now().In(bogota).AddDate(0, 0, 1).Format(time.DateOnly) }

// fileSize is a size people read: "840 KB", "3.2 MB".
func fileSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt((n+512)>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
