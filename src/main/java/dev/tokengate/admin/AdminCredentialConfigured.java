package dev.tokengate.admin;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Whether an admin credential is configured ({@code tokengate.admin.token-sha256} or {@code credentials}): what
 * changes routes and tokens exists only then.
 */
final class AdminCredentialConfigured implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Binder binder = Binder.get(context.getEnvironment());
        boolean unnamed = binder.bind(AdminProperties.PREFIX + ".token-sha256", String.class)
                .map(StringUtils::hasText)
                .orElse(false);
        boolean named = binder.bind(AdminProperties.PREFIX + ".credentials", Bindable.listOf(Map.class))
                .map(List::isEmpty)
                .map(empty -> !empty)
                .orElse(false);
        return unnamed || named;
    }
}
