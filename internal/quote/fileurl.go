package quote

import "context"

// FileURL is a short-lived link to a file (reference or proof) of a company's quote
// (companyID 0: staff); another company's file is not found.
func (s *Service) FileURL(ctx context.Context, companyID, fileID int64) (string, error) {
	return "", errNotYet
}
