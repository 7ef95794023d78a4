// Command kube-apiserver is a current kube-apiserver (no PodSecurityPolicy API)
// for the PSP Dashboard test environment.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && (args[0] == "kube-apiserver" || args[0] == "apiserver") {
		args = args[1:]
	}
	cmd := app.NewAPIServerCommand()
	cmd.SetArgs(args)
	os.Exit(cli.Run(cmd))
}
