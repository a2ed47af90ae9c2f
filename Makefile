# certsvc developer tasks. `make test` runs every test; `make run` starts the server.
BUF := go tool -modfile=tools/go.mod buf

.PHONY: run test generate checkgenerate lint breaking api-baseline migration bench

run:
	go run ./cmd/certsvc

test:
	scripts/test.sh

# generate rewrites every generated file: gen/ and the TypeScript client
# (web/client) from api/proto, ent/ from ent/schema, and the web console's
# build (web/console/dist) from web/ with the packages of its lockfile.
generate:
	scripts/web.sh deps
	$(BUF) generate
	go generate ./ent
	scripts/web.sh build

# checkgenerate fails when a generated file is not what the sources produce.
checkgenerate: generate
	@git add -N gen ent web/client web/console/dist >/dev/null 2>&1 || true
	@git diff --exit-code --stat -- gen ent web/client web/console/dist || { echo "generated code is stale: run make generate and commit"; exit 1; }

lint:
	$(BUF) lint
	$(BUF) format -d --exit-code
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -vE '^(gen|ent)/' | grep -v '^ent/schema/' ; git ls-files 'ent/schema/*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...

# breaking compares the API with the published baseline; refresh the baseline
# (make api-baseline) only for a deliberate, announced breaking release.
breaking:
	$(BUF) breaking api/proto --against api/baseline.binpb

api-baseline:
	$(BUF) build api/proto -o api/baseline.binpb

# migration writes the migrations for a schema change: make migration NAME=add_x
migration:
	go run ./internal/tools/migrategen -name $(NAME)

bench:
	scripts/bench.sh
