package studio

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/kit"
)

// JobView is one production job: what to make (lines and sizes), by when, from which
// files, and the progress sheet.
type JobView struct {
	Nav                              Nav
	URL, Number, Company, Status     string
	Deadline, DeliveryCity, Notes    string
	Workshops                        string
	Lines                            []JobLine
	Files                            []JobFile
	Progress                         []ProgressRow
	Ordered, Finished                int
	CanStart, CanRecord, CanMarkDone bool
	Form                             *kit.Form // counts as typed, field errors, the top message
}

// JobLine is one garment of the job with its size breakdown.
type JobLine struct {
	No                            int
	Garment, Customisation, Sizes string
	Quantity                      int
}

// JobFile is a link to one of the job's files.
type JobFile struct {
	URL, Name, Kind string
}

// ProgressRow is a line's size on the progress sheet, with the inputs' names and values.
type ProgressRow struct {
	LineNo                          int
	Garment, Size                   string
	Ordered                         int
	ID, Field                       string // "p-1-m", "progress.1.m" (the error key)
	CutName, SewnName, FinishedName string
	Cut, Sewn, Finished             string // as typed, or as saved
}

// progressFields names the inputs of a line's size.
func progressFields(line int, size string) (cut, sewn, finished string) {
	s := fmt.Sprintf("%d.%s", line, size)
	return "cut." + s, "sewn." + s, "finished." + s
}

func (h *Handler) renderJob(c *gin.Context, lang string, status int, d quote.Detail, f *kit.Form) error {
	url := "/studio/jobs/" + strconv.FormatInt(d.ID, 10)
	v := JobView{Nav: h.nav(c, lang, "/studio/jobs"), URL: url, Number: d.Number, Company: d.Company.Name,
		Status: h.T(lang, "studio.jobs.status."+string(d.Status)), Deadline: d.Deadline.UTC().Format(time.DateOnly),
		DeliveryCity: d.DeliveryCity, Notes: d.Notes, Form: f,
		CanStart:    d.Status == quote.StatusDepositPaid,
		CanRecord:   d.Status == quote.StatusDepositPaid || d.Status == quote.StatusInProduction,
		CanMarkDone: d.Status == quote.StatusInProduction}
	if v.Form == nil {
		v.Form = kit.EmptyForm()
	}
	var ws []string
	for _, w := range d.Workshops {
		ws = append(ws, w.WorkshopName)
	}
	v.Workshops = strings.Join(ws, ", ")
	garments := map[int]string{}
	for _, l := range d.Lines {
		jl := JobLine{No: l.LineNo, Garment: h.lineGarment(lang, l), Quantity: l.Quantity}
		if l.Customisation != "" {
			jl.Customisation = h.T(lang, "docs.customisation."+l.Customisation)
		}
		if l.Position != "" {
			jl.Customisation = strings.TrimPrefix(jl.Customisation+" · "+l.Position, " · ")
		}
		var sizes []string
		for i, n := range []int{l.XS, l.S, l.M, l.L, l.XL, l.XXL} {
			if n > 0 {
				sizes = append(sizes, strings.ToUpper(quote.Sizes[i])+" "+strconv.Itoa(n))
			}
		}
		jl.Sizes = strings.Join(sizes, " · ")
		garments[l.LineNo] = jl.Garment
		v.Lines = append(v.Lines, jl)
	}
	for _, fl := range jobFiles(d) {
		kind := h.T(lang, "studio.jobs.file.reference")
		if fl.Kind == quote.FileProof {
			kind = h.T(lang, "studio.jobs.file.proof")
		}
		v.Files = append(v.Files, JobFile{URL: url + "/files/" + strconv.FormatInt(fl.ID, 10), Name: fl.Name, Kind: kind})
	}
	for _, p := range d.Progress {
		cut, sewn, fin := progressFields(p.LineNo, p.Size)
		r := ProgressRow{LineNo: p.LineNo, Garment: garments[p.LineNo], Size: strings.ToUpper(p.Size), Ordered: p.Ordered,
			ID: fmt.Sprintf("p-%d-%s", p.LineNo, p.Size), Field: fmt.Sprintf("progress.%d.%s", p.LineNo, p.Size),
			CutName: cut, SewnName: sewn, FinishedName: fin,
			Cut: strconv.Itoa(p.Cut), Sewn: strconv.Itoa(p.Sewn), Finished: strconv.Itoa(p.Finished)}
		if _, typed := v.Form.Values[cut]; typed {
			r.Cut, r.Sewn, r.Finished = v.Form.V(cut), v.Form.V(sewn), v.Form.V(fin)
		}
		v.Ordered += p.Ordered
		v.Finished += p.Finished
		v.Progress = append(v.Progress, r)
	}
	pg := h.page(c, lang, "studio.jobs.job_title", d.Number)
	pg.Data = v
	return h.Render(c, status, "studio/job", pg)
}

// lineGarment is "Polo · piqué · azul", with the garment names of the quote documents
// (docs.garment.* in docs.json), so the workshop and the client read the same words.
func (h *Handler) lineGarment(lang string, l quote.Line) string {
	parts := []string{h.T(lang, "docs.garment."+l.Garment)}
	for _, s := range []string{l.Fabric, l.Colour} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " · ")
}

// maxCount bounds a typed count (the domain checks it against the garments ordered).
const maxCount = 1000000

// jobProgress saves the progress sheet. Counts that are not whole numbers, or that the
// rules refuse (finished <= sewn <= cut <= ordered), come back with the sheet as typed.
func (h *Handler) jobProgress(c *gin.Context, lang string) error {
	d, ids, err := h.job(c)
	if err != nil {
		return err
	}
	var names []string
	for _, p := range d.Progress {
		cut, sewn, fin := progressFields(p.LineNo, p.Size)
		names = append(names, cut, sewn, fin)
	}
	f := kit.ReadForm(c, names...)
	ps := make([]quote.Progress, 0, len(d.Progress))
	for _, p := range d.Progress {
		cut, sewn, fin := progressFields(p.LineNo, p.Size)
		var n [3]int
		ok := true
		for i, name := range []string{cut, sewn, fin} {
			v, err := strconv.Atoi(f.V(name))
			if err != nil || v < 0 || v > maxCount {
				ok = false
				continue
			}
			n[i] = v
		}
		if !ok {
			f.Errors[fmt.Sprintf("progress.%d.%s", p.LineNo, p.Size)] = "studio.jobs.count_invalid"
			continue
		}
		ps = append(ps, quote.Progress{LineNo: p.LineNo, Size: p.Size, Ordered: p.Ordered, Cut: n[0], Sewn: n[1], Finished: n[2]})
	}
	if len(f.Errors) > 0 {
		f.Message = h.T(lang, "studio.jobs.fix_counts")
		return h.renderJob(c, lang, http.StatusUnprocessableEntity, d, f)
	}
	if err := h.Quotes.RecordProgress(c.Request.Context(), actor(c), ids, d.ID, ps); err != nil {
		status := h.Fail(f, lang, err)
		if status == 0 {
			return err
		}
		if len(f.Errors) > 0 {
			f.Message = h.T(lang, "studio.jobs.fix_counts")
		}
		return h.renderJob(c, lang, status, d, f)
	}
	h.SetFlash(c, "ok", "studio.jobs.saved")
	kit.Redirect(c, "/studio/jobs/"+strconv.FormatInt(d.ID, 10))
	return nil
}

// jobStart starts production of a job whose deposit is paid.
func (h *Handler) jobStart(c *gin.Context, lang string) error {
	return h.jobMove(c, lang, quote.StatusInProduction, "studio.jobs.started", h.Quotes.StartProduction)
}

// jobReady tells the foundation every garment of the job is finished.
func (h *Handler) jobReady(c *gin.Context, lang string) error {
	return h.jobMove(c, lang, quote.StatusReady, "studio.jobs.marked_ready", h.Quotes.MarkReady)
}

type jobMoveFunc = func(ctx context.Context, a audit.Actor, workshopIDs []int64, id int64) (quote.Quote, error)

// jobMove runs a move of the job to status to. A job already there is done (the form
// sent twice); a refusal (the garments are not all finished, the job moved meanwhile)
// shows the job again with the reason.
func (h *Handler) jobMove(c *gin.Context, lang string, to quote.Status, doneKey string, move jobMoveFunc) error {
	d, ids, err := h.job(c)
	if err != nil {
		return err
	}
	if d.Status == to {
		h.SetFlash(c, "ok", doneKey)
		kit.Redirect(c, "/studio/jobs/"+strconv.FormatInt(d.ID, 10))
		return nil
	}
	if _, err := move(c.Request.Context(), actor(c), ids, d.ID); err != nil {
		f := kit.EmptyForm()
		status := h.Fail(f, lang, err)
		if status == 0 {
			return err
		}
		return h.renderJob(c, lang, status, d, f)
	}
	h.SetFlash(c, "ok", doneKey)
	kit.Redirect(c, "/studio/jobs/"+strconv.FormatInt(d.ID, 10))
	return nil
}
