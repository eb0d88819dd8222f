// Package wire holds the runtime of the AWS Query protocol shapes: the form
// decoder with AWS's constraint checks (ValidationError messages), and the
// XML writer used by the generated output encoders.
//
// The typed input and output structs themselves are generated from the
// service models into the iamwire and stswire packages (see gen/).
package wire
