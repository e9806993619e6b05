package org.mailpulse.common;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The SDK's web-identity credentials provider (IRSA, part of the default chain of every AWS client) finds the STS
 * module by loading its factory by name; a native executable must keep that class and its constructor.
 */
@RegisterForReflection(classNames = "software.amazon.awssdk.services.sts.internal.StsWebIdentityCredentialsProviderFactory")
public final class AwsNativeReflection {

    private AwsNativeReflection() {
    }
}
