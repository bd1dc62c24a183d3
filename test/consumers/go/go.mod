// The Go consumer app: a Go CDK user's module, taking this library's packed
// Go module (dist/go, from `npx projen package:go`) and aws-cdk-go from the Go
// module proxy.
module cdkmlops.test/consumer

go 1.25.0

// aws-cdk-go and constructs-go at the versions the TypeScript reference app
// runs with (node_modules: aws-cdk-lib 2.257.0, constructs 10.8.1), so that both
// synthesize with the same CDK: another aws-cdk-lib may render templates
// differently, and the comparison would blame the bindings. jsii-runtime-go at
// the version the packed module asks for (jsii-pacmak's own). The consumer
// test checks all three.
require (
	github.com/aws/aws-cdk-go/awscdk/v2 v2.257.0
	github.com/aws/jsii-runtime-go v1.140.0
	github.com/cdk-mlops/cdk-mlops-framework-go/cdkmlopsframework v0.0.0
)

require (
	github.com/Masterminds/semver/v3 v3.5.0 // indirect
	github.com/aws/constructs-go/constructs/v10 v10.8.1 // indirect
	github.com/cdklabs/awscdk-asset-awscli-go/awscliv1/v2 v2.2.273 // indirect
	github.com/cdklabs/awscdk-asset-node-proxy-agent-go/nodeproxyagentv6/v2 v2.1.3 // indirect
	github.com/cdklabs/cloud-assembly-schema-go/awscdkcloudassemblyschema/v53 v53.25.0 // indirect
	github.com/fatih/color v1.19.0 // indirect
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.24 // indirect
	github.com/yuin/goldmark v1.7.16 // indirect
	golang.org/x/lint v0.0.0-20241112194109-818c5a804067 // indirect
	golang.org/x/mod v0.39.0 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
	golang.org/x/telemetry v0.0.0-20260811182544-a038080d80e5 // indirect
	golang.org/x/tools v0.49.0 // indirect
	golang.org/x/tools/cmd/godoc v0.1.0-deprecated // indirect
	golang.org/x/tools/godoc v0.1.0-deprecated // indirect
)

// Not published: the module jsii-pacmak wrote into dist/go. run.sh points this
// elsewhere when CONSUMER_GO_DIST is set.
replace github.com/cdk-mlops/cdk-mlops-framework-go/cdkmlopsframework => ../../../dist/go/cdkmlopsframework
