package dev.tokengate.admin;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.ResolvableType;
import org.springframework.util.MultiValueMap;
import org.springframework.validation.BindingResult;
import org.springframework.validation.DataBinder;
import org.springframework.validation.FieldError;
import org.springframework.validation.Validator;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * An admin call's query parameters as a record: built by Spring's {@link DataBinder} through the record's constructor,
 * with Spring Boot's conversions (numbers, ISO-8601 instants), then checked by a Spring {@link Validator}. Only the
 * query is bound, never headers or a body. A parameter given more than once or empty, one that does not convert to
 * its field's type, and one the validator rejects is each a 400 whose detail is that field's message; parameters the
 * record does not name are ignored.
 *
 * @param <T> the record
 */
final class QueryParameters<T> {

    private final Class<T> type;
    private final Map<String, String> problems;
    private final Validator validator;

    /**
     * @param problems each field's name and the detail of a 400 about it
     * @param validator rejects a field by its name ({@code errors.rejectValue(field, code)})
     */
    QueryParameters(Class<T> type, Map<String, String> problems, Validator validator) {
        if (!type.isRecord() || !problems.keySet().equals(fieldNames(type))) {
            throw new IllegalArgumentException(type + " must be a record with a problem for each of its fields");
        }
        this.type = type;
        this.problems = problems;
        this.validator = validator;
    }

    private static Set<String> fieldNames(Class<?> type) {
        return Arrays.stream(type.getRecordComponents())
                .map(RecordComponent::getName)
                .collect(Collectors.toSet());
    }

    /** The record the query describes; a {@link ResponseStatusException} (400) naming its first fault otherwise. */
    Mono<T> bind(MultiValueMap<String, String> query) {
        return Mono.fromSupplier(() -> bound(query));
    }

    private T bound(MultiValueMap<String, String> query) {
        for (RecordComponent field : type.getRecordComponents()) {
            List<String> values = query.getOrDefault(field.getName(), List.of());
            if (values.size() > 1 || (values.size() == 1 && values.get(0).isEmpty())) {
                throw AdminAnswers.badRequest(problems.get(field.getName()));
            }
        }
        DataBinder binder = new DataBinder(null, type.getSimpleName());
        binder.setTargetType(ResolvableType.forClass(type));
        binder.setConversionService(ApplicationConversionService.getSharedInstance());
        binder.initDirectFieldAccess();
        binder.setValidator(validator);
        binder.construct(new DataBinder.ValueResolver() {
            @Override
            public Object resolveValue(String name, Class<?> paramType) {
                return query.getFirst(name);
            }

            @Override
            public Set<String> getNames() {
                return query.keySet();
            }
        });
        if (!binder.getBindingResult().hasErrors()) {
            binder.validate();
        }
        BindingResult result = binder.getBindingResult();
        FieldError fault = result.getFieldError();
        if (fault != null) {
            throw AdminAnswers.badRequest(problems.get(fault.getField()));
        }
        return type.cast(result.getTarget());
    }
}
