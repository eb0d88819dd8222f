// Package api is the AWS Query protocol edge: it reads the form (POST body
// or GET query) once, authenticates the request, finds the operation in a
// table of descriptors, decodes and validates the typed input, runs the
// handler and writes the typed output or the error envelope as XML.
//
// Nothing below this package knows about HTTP or XML. Every error is mapped
// to the wire here, once.
package api
