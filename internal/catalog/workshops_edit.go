package catalog

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
)

// WorkshopForm is the admin's workshop form as typed. Slug may be left empty: it is
// then made from the name on creation and kept on update.
type WorkshopForm struct {
	Name, Slug            string
	Facility              string
	FacilityKind          string
	City, Department      string
	CraftES, CraftEN      string
	StoryES, StoryEN      string
	Active                bool
	ConsentWorkshopPhotos bool
	ConsentFirstNames     bool
	ConsentPeoplePhotos   bool
	ConsentRecordedOn     string // YYYY-MM-DD
	ConsentRecordedBy     string
	ConsentNote           string
}

const (
	maxNameRunes  = 200
	maxPlaceRunes = 100
	maxNoteRunes  = 2000
)

// Validate checks the form on its own and returns field errors with message keys.
func (f WorkshopForm) Validate() error {
	if _, fields := f.parse(time.Now()); len(fields) > 0 {
		return invalidFields(fields)
	}
	return nil
}

func (f WorkshopForm) parse(now time.Time) (Workshop, map[string]string) {
	fields := map[string]string{}
	w := Workshop{
		Name: strings.TrimSpace(f.Name), Slug: strings.TrimSpace(f.Slug), Facility: strings.TrimSpace(f.Facility),
		FacilityKind: FacilityKind(strings.TrimSpace(f.FacilityKind)),
		City:         strings.TrimSpace(f.City), Department: strings.TrimSpace(f.Department),
		CraftES: strings.TrimSpace(f.CraftES), CraftEN: strings.TrimSpace(f.CraftEN),
		StoryES: strings.TrimSpace(f.StoryES), StoryEN: strings.TrimSpace(f.StoryEN), Active: f.Active,
		Consent: Consent{WorkshopPhotos: f.ConsentWorkshopPhotos, FirstNames: f.ConsentFirstNames,
			PeoplePhotos: f.ConsentPeoplePhotos, RecordedBy: strings.TrimSpace(f.ConsentRecordedBy),
			Note: strings.TrimSpace(f.ConsentNote)},
	}
	textField(fields, "name", w.Name, maxNameRunes, true, "workshop.name.required", "workshop.name.too_long")
	if w.Slug != "" && (!ValidSlug(w.Slug) || len(w.Slug) > MaxSlugLen) {
		fields["slug"] = "workshop.slug.invalid"
	}
	textField(fields, "facility", w.Facility, maxNameRunes, true, "workshop.facility.required", "workshop.facility.too_long")
	if !slices.Contains(FacilityKinds, w.FacilityKind) {
		fields["facility_kind"] = "workshop.facility_kind.invalid"
	}
	textField(fields, "city", w.City, maxPlaceRunes, true, "workshop.city.required", "workshop.place.too_long")
	textField(fields, "department", w.Department, maxPlaceRunes, true, "workshop.department.required", "workshop.place.too_long")
	textField(fields, "craft_es", w.CraftES, maxNameRunes, true, "workshop.craft.required", "workshop.craft.too_long")
	textField(fields, "craft_en", w.CraftEN, maxNameRunes, false, "", "workshop.craft.too_long")
	textField(fields, "story_es", w.StoryES, MaxDescriptionRunes, false, "", "workshop.story.too_long")
	textField(fields, "story_en", w.StoryEN, MaxDescriptionRunes, false, "", "workshop.story.too_long")
	textField(fields, "consent_recorded_by", w.RecordedBy, maxNameRunes, false, "", "workshop.consent.by_too_long")
	textField(fields, "consent_note", w.Note, maxNoteRunes, false, "", "workshop.consent.note_too_long")
	if d := strings.TrimSpace(f.ConsentRecordedOn); d != "" {
		t, err := time.Parse(time.DateOnly, d)
		switch {
		case err != nil:
			fields["consent_recorded_on"] = "workshop.consent.date_invalid"
		case t.After(now):
			fields["consent_recorded_on"] = "workshop.consent.date_future"
		default:
			w.RecordedOn = &t
		}
	}
	// People photos and first names are personal data: shown only with a record of who
	// agreed, when.
	if w.FirstNames || w.PeoplePhotos || w.WorkshopPhotos {
		if w.RecordedOn == nil && fields["consent_recorded_on"] == "" {
			fields["consent_recorded_on"] = "workshop.consent.date_required"
		}
		if w.RecordedBy == "" {
			fields["consent_recorded_by"] = "workshop.consent.by_required"
		}
	}
	return w, fields
}

// WorkshopForm returns the admin form filled with w.
func (w Workshop) Form() WorkshopForm {
	f := WorkshopForm{Name: w.Name, Slug: w.Slug, Facility: w.Facility, FacilityKind: string(w.FacilityKind),
		City: w.City, Department: w.Department, CraftES: w.CraftES, CraftEN: w.CraftEN, StoryES: w.StoryES,
		StoryEN: w.StoryEN, Active: w.Active, ConsentWorkshopPhotos: w.WorkshopPhotos, ConsentFirstNames: w.FirstNames,
		ConsentPeoplePhotos: w.PeoplePhotos, ConsentRecordedBy: w.RecordedBy, ConsentNote: w.Note}
	if w.RecordedOn != nil {
		f.ConsentRecordedOn = w.RecordedOn.Format(time.DateOnly)
	}
	return f
}

const constraintWorkshopSlug = "workshops_slug_key"

// CreateWorkshop adds a workshop (staff only: Forbidden otherwise) and returns its id.
func (e *Editor) CreateWorkshop(ctx context.Context, scope Scope, actor audit.Actor, f WorkshopForm) (int64, error) {
	if !scope.All {
		return 0, errAdminOnly
	}
	w, fields := f.parse(time.Now())
	if len(fields) > 0 {
		return 0, invalidFields(fields)
	}
	var id int64
	err := db.InTx(ctx, e.db, func(tx *sqlx.Tx) error {
		if w.Slug == "" {
			base := Slugify(w.Name)
			if base == "" {
				base = "taller"
			}
			var err error
			if w.Slug, err = uniqueSlug(ctx, tx, "workshops", base, 0); err != nil {
				return err
			}
		}
		var err error
		if id, err = CreateWorkshop(ctx, tx, w); err != nil {
			if isConstraint(err, constraintWorkshopSlug) {
				return invalidFields(map[string]string{"slug": "workshop.slug.taken"})
			}
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "workshop.create", Entity: "workshop",
			EntityID: strconv.FormatInt(id, 10), WorkshopID: id, Summary: "created workshop " + strconv.Quote(w.Name), After: w})
	})
	if err != nil {
		return 0, fmt.Errorf("create workshop: %w", err)
	}
	return id, nil
}

// UpdateWorkshop saves the admin form over workshop id (staff only). Deactivating a
// workshop takes its products off sale (the storefront shows only active workshops').
func (e *Editor) UpdateWorkshop(ctx context.Context, scope Scope, actor audit.Actor, id int64, f WorkshopForm) error {
	if !scope.All {
		return errAdminOnly
	}
	w, fields := f.parse(time.Now())
	if len(fields) > 0 {
		return invalidFields(fields)
	}
	err := db.InTx(ctx, e.db, func(tx *sqlx.Tx) error {
		var cur Workshop
		q := `SELECT ` + workshopCols + ` FROM workshops w WHERE w.id = $2 FOR UPDATE`
		if err := sqlx.GetContext(ctx, tx, &cur, q, StatusActive, id); err != nil {
			if apperr.CodeOf(db.Translate(err)) == apperr.NotFound {
				return apperr.New(apperr.NotFound, "workshop.not_found")
			}
			return fmt.Errorf("workshop %d: %w", id, err)
		}
		if w.Slug == "" {
			w.Slug = cur.Slug
		}
		w.ID, w.ProductCount = id, cur.ProductCount
		const upd = `UPDATE workshops SET slug = :slug, name = :name, facility = :facility, facility_kind = :facility_kind,
				city = :city, department = :department, craft_es = :craft_es, craft_en = :craft_en,
				story_es = :story_es, story_en = :story_en, active = :active,
				consent_workshop_photos = :consent_workshop_photos, consent_first_names = :consent_first_names,
				consent_people_photos = :consent_people_photos, consent_recorded_on = :consent_recorded_on,
				consent_recorded_by = :consent_recorded_by, consent_note = :consent_note
			WHERE id = :id`
		if _, err := sqlx.NamedExecContext(ctx, tx, upd, w); err != nil {
			if isConstraint(err, constraintWorkshopSlug) {
				return invalidFields(map[string]string{"slug": "workshop.slug.taken"})
			}
			return fmt.Errorf("update workshop %d: %w", id, db.Translate(err))
		}
		before, after := diffSnapshots(workshopSnapshot(cur), workshopSnapshot(w))
		return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "workshop.update", Entity: "workshop",
			EntityID: strconv.FormatInt(id, 10), WorkshopID: id, Summary: changedSummary(before, nil), Before: before, After: after})
	})
	if err != nil {
		return fmt.Errorf("update workshop %d: %w", id, err)
	}
	return nil
}

func workshopSnapshot(w Workshop) map[string]any {
	on := ""
	if w.RecordedOn != nil {
		on = w.RecordedOn.Format(time.DateOnly)
	}
	return map[string]any{"slug": w.Slug, "name": w.Name, "facility": w.Facility, "facility_kind": w.FacilityKind,
		"city": w.City, "department": w.Department, "craft_es": w.CraftES, "craft_en": w.CraftEN,
		"story_es": w.StoryES, "story_en": w.StoryEN, "active": w.Active,
		"consent_workshop_photos": w.WorkshopPhotos, "consent_first_names": w.FirstNames,
		"consent_people_photos": w.PeoplePhotos, "consent_recorded_on": on, "consent_recorded_by": w.RecordedBy,
		"consent_note": w.Note}
}

// ListWorkshopsAdmin returns the workshops by name, inactive ones too when asked.
// ProductCount counts products on sale.
func (e *Editor) ListWorkshopsAdmin(ctx context.Context, includeInactive bool) ([]Workshop, error) {
	q := `SELECT ` + workshopCols + ` FROM workshops w WHERE (w.active OR $2) ORDER BY w.name, w.id`
	var ws []Workshop
	if err := sqlx.SelectContext(ctx, e.db, &ws, q, StatusActive, includeInactive); err != nil {
		return nil, fmt.Errorf("list workshops for admin: %w", err)
	}
	return ws, nil
}

// WorkshopsByIDs returns the workshops with these ids (a lead's), active or not, by name.
func (e *Editor) WorkshopsByIDs(ctx context.Context, ids []int64) ([]Workshop, error) {
	q := `SELECT ` + workshopCols + ` FROM workshops w WHERE w.id = ANY($2) ORDER BY w.name, w.id`
	var ws []Workshop
	if err := sqlx.SelectContext(ctx, e.db, &ws, q, StatusActive, pqInt64s(ids)); err != nil {
		return nil, fmt.Errorf("workshops %v: %w", ids, err)
	}
	return ws, nil
}
