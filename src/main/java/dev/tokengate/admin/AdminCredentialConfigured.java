package dev.tokengate.admin;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/** Whether {@code tokengate.admin.token-sha256} is set: what changes routes and tokens exists only then. */
final class AdminCredentialConfigured implements Condition {

    static final String PROPERTY = AdminProperties.PREFIX + ".token-sha256";

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return StringUtils.hasText(context.getEnvironment().getProperty(PROPERTY));
    }
}
