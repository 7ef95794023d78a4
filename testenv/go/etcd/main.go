// Command etcd runs the etcd server for the PSP Dashboard test environment;
// it takes etcd's usual flags.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
