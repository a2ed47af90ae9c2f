// Package ent holds the generated data access code; the model is in ./schema.
package ent

//go:generate go run entc.go
