package server

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	validatepb "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"connectrpc.com/connect"
	"connectrpc.com/grpcreflect"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// reflectionServer serves the reflection handlers whose paths are in paths
// over TLS HTTP/2, as gRPC tools reach them.
func reflectionServer(t *testing.T, paths ...string) *httptest.Server {
	mux := http.NewServeMux()
	for p, h := range reflectionHandlers(Services, protoregistry.GlobalFiles, protoregistry.GlobalTypes) {
		if slices.Contains(paths, p) {
			mux.Handle(p, h)
		}
	}
	srv := httptest.NewUnstartedServer(mux)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// TestReflection asks the own reflection service what grpcurl asks, with
// the reflection client of connectrpc.com/grpcreflect (the library it
// replaces), over v1 and, when only that is served, v1alpha.
func TestReflection(t *testing.T) {
	for _, paths := range [][]string{{reflectV1, reflectV1Alpha}, {reflectV1Alpha}} {
		srv := reflectionServer(t, paths...)
		stream := grpcreflect.NewClient(srv.Client(), srv.URL, connect.WithGRPC()).NewStream(t.Context())

		names, err := stream.ListServices()
		if err != nil {
			t.Fatalf("%v: list services: %v", paths, err)
		}
		var want []protoreflect.FullName
		for _, s := range Services {
			want = append(want, protoreflect.FullName(s))
		}
		if !slices.Equal(names, want) {
			t.Errorf("%v: services %v, want %v", paths, names, want)
		}

		// The file of a service comes with every file it imports: together
		// they build a complete descriptor set, as a client needs them.
		files, err := stream.FileContainingSymbol("certsvc.v1.AuthService")
		if err != nil {
			t.Fatalf("%v: file containing AuthService: %v", paths, err)
		}
		if files[0].GetName() != "certsvc/v1/auth.proto" {
			t.Errorf("%v: first file %s, want certsvc/v1/auth.proto", paths, files[0].GetName())
		}
		set, err := protodesc.NewFiles(&descriptorpb.FileDescriptorSet{File: files})
		if err != nil {
			t.Fatalf("%v: the files sent do not build: %v", paths, err)
		}
		if d, err := set.FindDescriptorByName("certsvc.v1.AuthService.Login"); err != nil || d.(protoreflect.MethodDescriptor).Input().FullName() != "certsvc.v1.LoginRequest" {
			t.Errorf("%v: Login from the files sent: %v", paths, err)
		}
		// Files already sent on the stream are not sent again; the root is.
		again, err := stream.FileContainingSymbol("certsvc.v1.LoginRequest")
		if err != nil || len(again) != 1 || again[0].GetName() != "certsvc/v1/auth.proto" {
			t.Errorf("%v: second ask: %d files, %v; want auth.proto alone", paths, len(again), err)
		}

		byName, err := stream.FileByFilename("buf/validate/validate.proto")
		if err != nil || byName[0].GetPackage() != "buf.validate" {
			t.Errorf("%v: file by name: %v", paths, err)
		}
		num := validatepb.E_Field.TypeDescriptor().Number()
		ext, err := stream.FileContainingExtension("google.protobuf.FieldOptions", num)
		if err != nil || ext[0].GetName() != "buf/validate/validate.proto" {
			t.Errorf("%v: file containing extension %d: %v", paths, num, err)
		}
		nums, err := stream.AllExtensionNumbers("google.protobuf.FieldOptions")
		if err != nil || !slices.Contains(nums, num) || !slices.IsSorted(nums) {
			t.Errorf("%v: extension numbers of FieldOptions %v, %v; want them sorted with %d", paths, nums, err, num)
		}

		for _, name := range []protoreflect.FullName{"certsvc.v1.NoSuchThing", "no.such.Service"} {
			if _, err := stream.FileContainingSymbol(name); connect.CodeOf(err) != connect.CodeNotFound {
				t.Errorf("%v: unknown symbol %s: %v, want not found", paths, name, err)
			}
		}
		if _, err := stream.FileByFilename("no/such.proto"); connect.CodeOf(err) != connect.CodeNotFound {
			t.Errorf("%v: unknown file: %v, want not found", paths, err)
		}
		if _, err := stream.Close(); err != nil {
			t.Errorf("%v: close: %v", paths, err)
		}
	}
}
