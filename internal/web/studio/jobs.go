package studio

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/kit"
)

// JobRoutes registers the workshops' production jobs (corporate quotes they make) on r:
// the list, a job with its files and progress sheet, and the moves a lead makes.
func (h *Handler) JobRoutes(r gin.IRouter) {
	r.GET("/jobs", h.HandlePrivate(h.jobList))
	r.GET("/jobs/:id", h.HandlePrivate(h.jobShow))
	r.GET("/jobs/:id/files/:file", h.HandlePrivate(h.jobFile))
	r.POST("/jobs/:id/progress", h.HandlePrivate(h.jobProgress))
	r.POST("/jobs/:id/start", h.HandlePrivate(h.jobStart))
	r.POST("/jobs/:id/ready", h.HandlePrivate(h.jobReady))
}

// jobScope is the workshops whose jobs the user sees: nil (every job) for staff, the
// lead's own otherwise. ok is false for a lead of no workshop, who sees none: an empty
// list must never widen to "all".
func jobScope(c *gin.Context) (ids []int64, ok bool) {
	u := kit.CurrentUser(c)
	switch {
	case u == nil:
		return nil, false
	case u.Role == account.RoleAdmin:
		return nil, true
	case u.Role == account.RoleLead && len(u.WorkshopIDs) > 0:
		return u.WorkshopIDs, true
	}
	return nil, false
}

// JobsView is the list of production jobs.
type JobsView struct {
	Nav  Nav
	Jobs []JobRow
}

// JobRow is one job in the list.
type JobRow struct {
	URL, Number, Company, Status, Deadline, Workshops string
	Ordered, Finished                                 int
	Late                                              bool // the deadline passed and the garments are not ready
}

func (h *Handler) jobList(c *gin.Context, lang string) error {
	v := JobsView{Nav: h.nav(c, lang, "/studio/jobs")}
	if ids, ok := jobScope(c); ok {
		jobs, err := h.Quotes.Jobs(c.Request.Context(), ids)
		if err != nil {
			return err
		}
		today := time.Now().In(ledger.Bogota).Format(time.DateOnly)
		for _, j := range jobs {
			var ws []string
			for _, w := range j.Workshops {
				ws = append(ws, w.WorkshopName)
			}
			deadline := j.Deadline.UTC().Format(time.DateOnly)
			v.Jobs = append(v.Jobs, JobRow{URL: "/studio/jobs/" + strconv.FormatInt(j.ID, 10), Number: j.Number,
				Company: j.CompanyName, Status: h.T(lang, "studio.jobs.status."+string(j.Status)), Deadline: deadline,
				Workshops: strings.Join(ws, ", "), Ordered: j.Ordered, Finished: j.Finished,
				Late: deadline < today && (j.Status == quote.StatusDepositPaid || j.Status == quote.StatusInProduction)})
		}
	}
	pg := h.page(c, lang, "studio.jobs.title")
	pg.Data = v
	return h.Render(c, http.StatusOK, "studio/jobs", pg)
}

// job reads job :id in the user's scope; anything else is not found.
func (h *Handler) job(c *gin.Context) (quote.Detail, []int64, error) {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return quote.Detail{}, nil, err
	}
	ids, ok := jobScope(c)
	if !ok {
		return quote.Detail{}, nil, apperr.ErrNotFound
	}
	d, err := h.Quotes.Job(c.Request.Context(), ids, id)
	return d, ids, err
}

func (h *Handler) jobShow(c *gin.Context, lang string) error {
	d, _, err := h.job(c)
	if err != nil {
		return err
	}
	return h.renderJob(c, lang, http.StatusOK, d, nil)
}

// jobFile sends the user to a short-lived link to one of the job's files (the company's
// reference artwork or the approved proof), once the file is known to be this job's.
func (h *Handler) jobFile(c *gin.Context, _ string) error {
	d, _, err := h.job(c)
	if err != nil {
		return err
	}
	fileID, err := kit.ParamID(c, "file")
	if err != nil {
		return err
	}
	if !jobHasFile(d, fileID) {
		return apperr.ErrNotFound
	}
	u, err := h.Quotes.FileURL(c.Request.Context(), 0, fileID)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "private, no-store")
	c.Redirect(http.StatusSeeOther, u)
	c.Abort()
	return nil
}

// jobFiles are the files a workshop works from: every reference file and the proof of
// the version being made.
func jobFiles(d quote.Detail) []quote.File {
	current := 0
	if d.AcceptedVersion != nil {
		current = *d.AcceptedVersion
	} else {
		for _, v := range d.Versions {
			current = max(current, v.Version)
		}
	}
	var fs []quote.File
	for _, f := range d.Files {
		if f.Kind != quote.FileProof || (f.Version != nil && *f.Version == current) {
			fs = append(fs, f)
		}
	}
	return fs
}

func jobHasFile(d quote.Detail, fileID int64) bool {
	for _, f := range jobFiles(d) {
		if f.ID == fileID {
			return true
		}
	}
	return false
}
