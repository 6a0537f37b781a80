package media

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// PublicPrefix is the only key prefix the bucket policy makes readable by
// anonymous clients. Everything else in the bucket stays private.
const PublicPrefix = "photos/"

// S3Config configures NewS3. Endpoint is host:port without a scheme.
type S3Config struct {
	Endpoint  string
	AccessKey string
	SecretKey string
	Bucket    string
	Region    string
	Secure    bool
	// PublicBaseURL is where browsers fetch objects from; empty means
	// http(s)://Endpoint/Bucket (path-style, straight from the server).
	PublicBaseURL string
}

// S3Store keeps objects in one bucket of an S3-compatible server.
type S3Store struct {
	client  *minio.Client
	bucket  string
	baseURL string
}

var _ Store = (*S3Store)(nil)

// NewS3 connects to the server, creates the bucket if it is missing and
// sets the bucket policy that lets anyone GET objects under photos/ (and
// nothing else). The policy is (re)applied on every start so a bucket
// created by hand ends up in the same state; it replaces any other policy
// on that bucket.
func NewS3(ctx context.Context, cfg S3Config) (*S3Store, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("s3 store: endpoint and bucket are required")
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.Secure,
		Region: cfg.Region,
		// Path-style because the server is addressed by IP:port, where
		// virtual-host buckets (bucket.host) cannot resolve.
		BucketLookup: minio.BucketLookupPath,
		// Three attempts, not minio-go's ten: a lead uploading while the object store
		// is unreachable hears so in about a second rather than five (measured by
		// internal/faults TestObjectStoreDownDuringPhotoUpload); a brief hiccup (a
		// 503 SlowDown, a dropped connection) is still retried.
		MaxRetries: 3,
	})
	if err != nil {
		return nil, fmt.Errorf("s3 store: client for %s: %w", cfg.Endpoint, err)
	}
	s := &S3Store{client: client, bucket: cfg.Bucket, baseURL: cfg.PublicBaseURL}
	if s.baseURL == "" {
		scheme := "http"
		if cfg.Secure {
			scheme = "https"
		}
		s.baseURL = scheme + "://" + cfg.Endpoint + "/" + cfg.Bucket
	}
	if err := s.ensureBucket(ctx, cfg.Region); err != nil {
		return nil, err
	}
	policy, err := publicReadPolicy(cfg.Bucket)
	if err != nil {
		return nil, err
	}
	if err := client.SetBucketPolicy(ctx, cfg.Bucket, policy); err != nil {
		return nil, fmt.Errorf("s3 store: set public-read policy on bucket %s: %w", cfg.Bucket, err)
	}
	return s, nil
}

func (s *S3Store) ensureBucket(ctx context.Context, region string) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("s3 store: check bucket %s: %w", s.bucket, err)
	}
	if ok {
		return nil
	}
	err = s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: region})
	if err != nil {
		// Another instance may have created it between the check and now.
		if minio.ToErrorResponse(err).Code == minio.BucketAlreadyOwnedByYou {
			return nil
		}
		return fmt.Errorf("s3 store: create bucket %s: %w", s.bucket, err)
	}
	return nil
}

// publicReadPolicy grants anonymous s3:GetObject on photos/* only, so a
// private object put elsewhere in the bucket is never exposed and the
// bucket cannot be listed.
func publicReadPolicy(bucket string) (string, error) {
	type statement struct {
		Sid       string
		Effect    string
		Principal string
		Action    []string
		Resource  []string
	}
	doc := struct {
		Version   string
		Statement []statement
	}{
		Version: "2012-10-17",
		Statement: []statement{{
			Sid:       "PublicReadPhotos",
			Effect:    "Allow",
			Principal: "*",
			Action:    []string{"s3:GetObject"},
			Resource:  []string{"arn:aws:s3:::" + bucket + "/" + PublicPrefix + "*"},
		}},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("s3 store: encode bucket policy: %w", err)
	}
	return string(b), nil
}

// Put uploads body under key with a year-long immutable Cache-Control.
func (s *S3Store) Put(ctx context.Context, key string, body []byte, contentType string) error {
	if err := validateKey(key); err != nil {
		return err
	}
	_, err := s.client.PutObject(ctx, s.bucket, key, bytes.NewReader(body), int64(len(body)),
		minio.PutObjectOptions{
			ContentType:  contentType,
			CacheControl: CacheControl,
			// Photos are small; one request is simpler for the server and
			// keeps a failed upload from leaving parts behind.
			DisableMultipart: true,
		})
	if err != nil {
		return fmt.Errorf("s3 store: put %s: %w", key, err)
	}
	return nil
}

// Exists reports whether key is stored.
func (s *S3Store) Exists(ctx context.Context, key string) (bool, error) {
	if err := validateKey(key); err != nil {
		return false, err
	}
	_, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return false, nil
		}
		return false, fmt.Errorf("s3 store: stat %s: %w", key, err)
	}
	return true, nil
}

// Delete removes key; deleting a missing key is not an error.
func (s *S3Store) Delete(ctx context.Context, key string) error {
	if err := validateKey(key); err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("s3 store: delete %s: %w", key, err)
	}
	return nil
}

// URL returns the public URL of key.
func (s *S3Store) URL(key string) string { return joinURL(s.baseURL, key) }

// Get returns the bytes stored under key; a missing key is an error wrapping
// fs.ErrNotExist.
func (s *S3Store) Get(ctx context.Context, key string) ([]byte, error) {
	if err := validateKey(key); err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("s3 store: get %s: %w", key, err)
	}
	defer obj.Close()
	b, err := io.ReadAll(io.LimitReader(obj, MaxUploadBytes+1))
	if err != nil {
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil, fmt.Errorf("s3 store: get %s: %w", key, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("s3 store: get %s: %w", key, err)
	}
	return b, nil
}
