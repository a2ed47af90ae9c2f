package server

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	validatepb "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"connectrpc.com/connect"
	"connectrpc.com/grpcreflect"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// reflectionServer serves the reflection handlers whose paths are in paths
// over TLS HTTP/2, as gRPC tools reach them.
func reflectionServer(t *testing.T, paths ...string) *httptest.Server {
	return reflectionServerOf(t, protoregistry.GlobalFiles, paths...)
}

func reflectionServerOf(t *testing.T, files *protoregistry.Files, paths ...string) *httptest.Server {
	mux := http.NewServeMux()
	for p, h := range reflectionHandlers(Services, files, protoregistry.GlobalTypes) {
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

// TestReflectionHealth: the health service's descriptors are not in the
// server's registry (the test binary links grpc-go's, so the test uses an
// empty one); reflection builds grpc/health/v1/health.proto, which grpcurl
// needs to call grpc.health.v1.Health/Check, the same as grpc-go's in what
// grpchealth serves (Check, Watch and their messages).
func TestReflectionHealth(t *testing.T) {
	srv := reflectionServerOf(t, new(protoregistry.Files), reflectV1)
	stream := grpcreflect.NewClient(srv.Client(), srv.URL, connect.WithGRPC()).NewStream(t.Context())
	defer stream.Close()
	real, err := protodesc.NewFile(protodesc.ToFileDescriptorProto(healthpb.File_grpc_health_v1_health_proto), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ask := range []func() ([]*descriptorpb.FileDescriptorProto, error){
		func() ([]*descriptorpb.FileDescriptorProto, error) {
			return stream.FileContainingSymbol("grpc.health.v1.Health")
		},
		func() ([]*descriptorpb.FileDescriptorProto, error) {
			return stream.FileContainingSymbol("grpc.health.v1.HealthCheckResponse.ServingStatus")
		},
		func() ([]*descriptorpb.FileDescriptorProto, error) {
			return stream.FileByFilename("grpc/health/v1/health.proto")
		},
	} {
		got, err := ask()
		if err != nil {
			t.Fatal(err)
		}
		fd, err := protodesc.NewFile(got[0], nil)
		if err != nil {
			t.Fatalf("the health file does not build: %v", err)
		}
		if fd.Path() != real.Path() || fd.Package() != real.Package() {
			t.Fatalf("file %s package %s, want %s %s", fd.Path(), fd.Package(), real.Path(), real.Package())
		}
		for _, m := range []protoreflect.Name{"HealthCheckRequest", "HealthCheckResponse"} {
			a, b := protodesc.ToDescriptorProto(fd.Messages().ByName(m)), protodesc.ToDescriptorProto(real.Messages().ByName(m))
			if !proto.Equal(a, b) {
				t.Errorf("message %s:\n%v\nwant\n%v", m, a, b)
			}
		}
		for _, name := range []protoreflect.Name{"Check", "Watch"} {
			a := protodesc.ToMethodDescriptorProto(fd.Services().ByName("Health").Methods().ByName(name))
			b := protodesc.ToMethodDescriptorProto(real.Services().ByName("Health").Methods().ByName(name))
			b.Options = nil
			if !proto.Equal(a, b) {
				t.Errorf("method %s:\n%v\nwant\n%v", name, a, b)
			}
		}
	}
	if _, err := stream.FileContainingSymbol("grpc.reflection.v1.ServerReflection"); connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("reflection's own service: %v, want not found", err)
	}
}
