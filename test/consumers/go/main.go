// The consumer app in Go: test/consumers/reference-app.ts construct for
// construct, prop for prop, with the same IDs, written against the packed Go
// module of this library and aws-cdk-go, so that both synthesize the same
// ConsumerStack template.
//
// Usage: consumer OUTDIR (or CONSUMER_OUTDIR); the cloud assembly, with
// ConsumerStack.template.json, is written there.
// CONSUMER_PROD_INSTANCE_COUNT changes one prop so that the consumer test can
// show that a different app gives a different template.
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"
	mlops "github.com/cdk-mlops/cdk-mlops-framework-go/cdkmlopsframework"
)

const consumerStack = "ConsumerStack"

// prodInstanceCount is prod's instance count: the reference app's 2 unless the
// test asks for another to see the comparison fail.
func prodInstanceCount() (float64, error) {
	value, set := os.LookupEnv("CONSUMER_PROD_INSTANCE_COUNT")
	if !set {
		return 2, nil
	}
	count, err := strconv.Atoi(value)
	if err != nil {
		return 0, fmt.Errorf("CONSUMER_PROD_INSTANCE_COUNT must be a whole number, not %q", value)
	}
	return float64(count), nil
}

func synth(outdir string, prodCount float64) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(outdir)})
	stack := awscdk.NewStack(app, jsii.String(consumerStack), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("111111111111"), Region: jsii.String("us-east-1")},
	})
	mlops.NewMlopsFramework(stack, jsii.String("Mlops"), &mlops.MlopsFrameworkProps{
		NotificationEmails: jsii.Strings("platform@example.com"),
	})
	models := awss3.NewBucket(stack, jsii.String("Models"), &awss3.BucketProps{
		Versioned:  jsii.Bool(true),
		EnforceSSL: jsii.Bool(true),
	})
	mlops.NewByomPipeline(stack, jsii.String("Churn"), &mlops.ByomPipelineProps{
		ModelName: jsii.String("churn"),
		Artifact:  mlops.ModelArtifact_FromBucket(models, jsii.String("churn/model.tar.gz")),
		Image:     mlops.ModelImage_FromFramework(mlops.Framework_XGBOOST(), jsii.String("1.7-1")),
		Environments: &[]*mlops.EnvironmentProps{
			{
				Name:         jsii.String("dev"),
				InstanceType: jsii.String("ml.m5.large"),
				Tests: mlops.IntegrationTests_Requests(&[]*mlops.TestRequest{{
					Name:        jsii.String("scores"),
					Body:        jsii.String("1,2"),
					ContentType: jsii.String("text/csv"),
					Expect:      &mlops.TestExpectation{Status: jsii.Number(200)},
				}}),
			},
			{
				Name:          jsii.String("prod"),
				Approval:      jsii.Bool(true),
				InstanceCount: jsii.Number(prodCount),
			},
		},
	})
	app.Synth(nil)
}

func main() {
	outdir := os.Getenv("CONSUMER_OUTDIR")
	if len(os.Args) > 1 {
		outdir = os.Args[1]
	}
	if outdir == "" {
		fmt.Fprintln(os.Stderr, "usage: consumer OUTDIR (or set CONSUMER_OUTDIR)")
		os.Exit(2)
	}
	prodCount, err := prodInstanceCount()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// The jsii kernel (a node process holding aws-cdk-lib) runs until Close;
	// without it the process would leave the child behind.
	defer jsii.Close()
	synth(outdir, prodCount)
}
