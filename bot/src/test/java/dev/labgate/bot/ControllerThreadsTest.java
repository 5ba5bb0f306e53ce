package dev.labgate.bot;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.HttpMethodMapping;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route that can block (a database query, a file, a forge call) runs on the blocking
 * executor: on the HTTP event loop it would stall every other request. Only a route that answers
 * with a future (the webhook intake, which hands the body to its writer thread) may stay there.
 */
class ControllerThreadsTest {

    @Test
    void every_route_that_does_not_answer_with_a_future_runs_on_the_blocking_executor() {
        var classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.labgate.bot");
        var controllers = classes.stream().filter(c -> c.isAnnotatedWith(Controller.class)).toList();
        assertThat(controllers).extracting(JavaClass::getSimpleName)
                .contains("AuditController", "FailedWorkController", "PagesController", "PagesApiController",
                        "WebhookController", "LabCallbackController");
        var onTheEventLoop = controllers.stream().flatMap(c -> c.getMethods().stream())
                .filter(m -> m.isMetaAnnotatedWith(HttpMethodMapping.class))
                .filter(m -> !m.isAnnotatedWith(ExecuteOn.class) && !m.getOwner().isAnnotatedWith(ExecuteOn.class))
                .filter(m -> !m.getRawReturnType().isAssignableTo(CompletionStage.class))
                .map(m -> m.getOwner().getSimpleName() + "." + m.getName()).toList();
        assertThat(onTheEventLoop).isEmpty();
    }
}
