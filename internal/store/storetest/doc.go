// Package storetest is the conformance suite for [store.Store] backends.
//
// Every backend runs it from its own tests:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			s, err := mybackend.Open(...)
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// The suite checks only what the [store] package documents, so that code
// written against the interface behaves the same on every backend; anything
// backend-specific (exact revision numbers, history size, durability across
// crashes) belongs in the backend's own tests.
package storetest
