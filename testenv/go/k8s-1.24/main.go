// Command k8s is a multi-call binary holding kube-apiserver and
// kube-controller-manager v1.24 for the PSP Dashboard test environment.
//
//	k8s kube-apiserver [flags]
//	k8s kube-controller-manager [flags]
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"k8s.io/component-base/cli"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	name := filepath.Base(os.Args[0])
	args := os.Args[1:]
	if name != "kube-apiserver" && name != "kube-controller-manager" {
		if len(args) == 0 {
			fmt.Fprintln(os.Stderr, "usage: k8s kube-apiserver|kube-controller-manager [flags]")
			os.Exit(2)
		}
		name, args = args[0], args[1:]
	}
	var cmd *cobra.Command
	switch name {
	case "kube-apiserver", "apiserver":
		name = "kube-apiserver"
		cmd = apiserver.NewAPIServerCommand()
	case "kube-controller-manager", "controller-manager":
		name = "kube-controller-manager"
		cmd = controllermanager.NewControllerManagerCommand()
	default:
		fmt.Fprintf(os.Stderr, "unknown component %q (want kube-apiserver or kube-controller-manager)\n", name)
		os.Exit(2)
	}
	// client-go derives the User-Agent (and so the managedFields manager) from os.Args[0]:
	// make it the component's name, as with the real binaries.
	os.Args = append([]string{name}, args...)
	cmd.SetArgs(args)
	os.Exit(cli.Run(cmd))
}
