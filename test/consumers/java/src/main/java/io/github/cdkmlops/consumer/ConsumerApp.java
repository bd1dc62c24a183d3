package io.github.cdkmlops.consumer;

import io.github.cdkmlops.framework.ByomPipeline;
import io.github.cdkmlops.framework.EnvironmentProps;
import io.github.cdkmlops.framework.Framework;
import io.github.cdkmlops.framework.IntegrationTests;
import io.github.cdkmlops.framework.MlopsFramework;
import io.github.cdkmlops.framework.ModelArtifact;
import io.github.cdkmlops.framework.ModelImage;
import io.github.cdkmlops.framework.TestExpectation;
import io.github.cdkmlops.framework.TestRequest;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.s3.Bucket;

/**
 * The consumer app in Java: test/consumers/reference-app.ts construct for
 * construct, prop for prop, with the same IDs, so that both synthesize the same
 * ConsumerStack template.
 *
 * <p>Usage: {@code ConsumerApp <outdir>} (or {@code CONSUMER_OUTDIR}); the
 * cloud assembly, with ConsumerStack.template.json, is written there.
 * {@code CONSUMER_PROD_INSTANCE_COUNT} changes one prop so that the consumer
 * test can show that a different app gives a different template.
 */
public final class ConsumerApp {
    private ConsumerApp() {
    }

    public static void main(final String[] args) {
        String outdir = args.length > 0 ? args[0] : System.getenv("CONSUMER_OUTDIR");
        if (outdir == null || outdir.isEmpty()) {
            System.err.println("usage: ConsumerApp <outdir> (or set CONSUMER_OUTDIR)");
            System.exit(2);
        }
        String prodInstanceCount = System.getenv("CONSUMER_PROD_INSTANCE_COUNT");

        App app = App.Builder.create().outdir(outdir).build();
        Stack stack = Stack.Builder.create(app, "ConsumerStack")
                .env(Environment.builder().account("111111111111").region("us-east-1").build())
                .build();
        MlopsFramework.Builder.create(stack, "Mlops")
                .notificationEmails(List.of("platform@example.com"))
                .build();
        Bucket models = Bucket.Builder.create(stack, "Models")
                .versioned(true)
                .enforceSsl(true)
                .build();
        ByomPipeline.Builder.create(stack, "Churn")
                .modelName("churn")
                .artifact(ModelArtifact.fromBucket(models, "churn/model.tar.gz"))
                .image(ModelImage.fromFramework(Framework.XGBOOST, "1.7-1"))
                .environments(List.of(
                        EnvironmentProps.builder()
                                .name("dev")
                                .instanceType("ml.m5.large")
                                .tests(IntegrationTests.requests(List.of(TestRequest.builder()
                                        .name("scores")
                                        .body("1,2")
                                        .contentType("text/csv")
                                        .expect(TestExpectation.builder().status(200).build())
                                        .build())))
                                .build(),
                        EnvironmentProps.builder()
                                .name("prod")
                                .approval(true)
                                .instanceCount(prodInstanceCount == null ? 2 : Integer.parseInt(prodInstanceCount))
                                .build()))
                .build();
        app.synth();
    }
}
