// Package apierr defines the one error type that carries an AWS error code,
// HTTP status and fault type to the wire. Domain packages return these (or
// wrap them); the API edge maps any error to the wire exactly once.
package apierr

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an AWS-style API error.
type Error struct {
	Code    string // AWS error code, e.g. "NoSuchEntity"
	Message string // human-readable message, exactly as AWS words it
	Status  int    // HTTP status
}

// Error implements error.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Type is "Sender" for client faults (4xx) and "Receiver" for server faults.
func (e *Error) Type() string {
	if e.Status >= 500 {
		return "Receiver"
	}
	return "Sender"
}

// New builds an error with a code, status and message.
func New(code string, status int, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Code: code, Status: status, Message: msg}
}

// As returns the *Error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Constructors for the codes used across the service. Each carries AWS's
// modeled HTTP status.

func NoSuchEntity(format string, args ...any) *Error {
	return New("NoSuchEntity", http.StatusNotFound, format, args...)
}
func EntityAlreadyExists(format string, args ...any) *Error {
	return New("EntityAlreadyExists", http.StatusConflict, format, args...)
}
func DeleteConflict(format string, args ...any) *Error {
	return New("DeleteConflict", http.StatusConflict, format, args...)
}
func LimitExceeded(format string, args ...any) *Error {
	return New("LimitExceeded", http.StatusConflict, format, args...)
}
func InvalidInput(format string, args ...any) *Error {
	return New("InvalidInput", http.StatusBadRequest, format, args...)
}
func MalformedPolicyDocument(format string, args ...any) *Error {
	return New("MalformedPolicyDocument", http.StatusBadRequest, format, args...)
}
func ValidationError(format string, args ...any) *Error {
	return New("ValidationError", http.StatusBadRequest, format, args...)
}
func InvalidParameterValue(format string, args ...any) *Error {
	return New("InvalidParameterValue", http.StatusBadRequest, format, args...)
}
func AccessDenied(format string, args ...any) *Error {
	return New("AccessDenied", http.StatusForbidden, format, args...)
}
func InvalidAction(format string, args ...any) *Error {
	return New("InvalidAction", http.StatusBadRequest, format, args...)
}
func ServiceFailure() *Error {
	return New("ServiceFailure", http.StatusInternalServerError, "An internal error occurred. Retry your request.")
}

// Authentication errors (SigV4 and tokens).

func MissingAuthenticationToken() *Error {
	return New("MissingAuthenticationToken", http.StatusForbidden, "Request is missing Authentication Token")
}
func IncompleteSignature(format string, args ...any) *Error {
	return New("IncompleteSignature", http.StatusBadRequest, format, args...)
}
func SignatureDoesNotMatch(format string, args ...any) *Error {
	return New("SignatureDoesNotMatch", http.StatusForbidden, format, args...)
}
func InvalidClientTokenID(format string, args ...any) *Error {
	return New("InvalidClientTokenId", http.StatusForbidden, format, args...)
}
func ExpiredToken() *Error {
	return New("ExpiredToken", http.StatusForbidden, "The security token included in the request is expired")
}
