package dev.labgate.bot;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The dependency direction of docs/architecture.md, enforced on the compiled classes of every module. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.labgate");
    }

    @Test
    void core_knows_no_framework_database_json_forge_or_git_library() {
        noClasses().that().resideInAPackage("dev.labgate.core..")
                .should().dependOnClassesThat().resideInAnyPackage("io.micronaut..", "java.sql..", "javax.sql..",
                        "org.kohsuke..", "org.gitlab4j..", "org.eclipse.jgit..", "com.fasterxml.jackson..",
                        "org.bouncycastle..", "com.github.kagkarlsson..", "dev.labgate.config..", "dev.labgate.kcidb..",
                        "dev.labgate.forge..", "dev.labgate.lab..", "dev.labgate.flow..")
                .check(classes);
    }

    @Test
    void library_modules_never_see_the_service() {
        noClasses().that().resideOutsideOfPackage("dev.labgate.bot..")
                .should().dependOnClassesThat().resideInAPackage("dev.labgate.bot..")
                .check(classes);
    }

    @Test
    void library_modules_use_no_web_framework_and_no_database() {
        noClasses().that().resideInAnyPackage("dev.labgate.config..", "dev.labgate.kcidb..", "dev.labgate.forge..",
                        "dev.labgate.lab..", "dev.labgate.flow..")
                .should().dependOnClassesThat().resideInAnyPackage("io.micronaut..", "java.sql..", "javax.sql..",
                        "com.github.kagkarlsson..")
                .check(classes);
    }

    @Test
    void the_github_adapter_never_sees_the_gitlab_adapter_and_back() {
        noClasses().that().resideInAPackage("dev.labgate.forge.github..")
                .should().dependOnClassesThat().resideInAPackage("dev.labgate.forge.gitlab..").check(classes);
        noClasses().that().resideInAPackage("dev.labgate.forge.gitlab..")
                .should().dependOnClassesThat().resideInAPackage("dev.labgate.forge.github..")
                .allowEmptyShould(true).check(classes);
    }

    @Test
    void policy_and_verdict_do_not_reach_for_adapters() {
        noClasses().that().resideInAnyPackage("dev.labgate.config..", "dev.labgate.kcidb..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.labgate.forge..", "dev.labgate.lab..",
                        "dev.labgate.flow..")
                .check(classes);
    }

    @Test
    void words_never_depend_on_the_default_locale() {
        // Under a Turkish default locale "PENDING".toLowerCase() is "pendıng", which no forge accepts.
        noClasses().should().callMethod(String.class, "toLowerCase")
                .orShould().callMethod(String.class, "toUpperCase")
                .orShould().callMethod(String.class, "format", String.class, Object[].class)
                .orShould().callMethod(String.class, "formatted", Object[].class)
                .because("a word a forge or lab receives must not change with the JVM's locale: pass Locale.ROOT")
                .check(classes);
    }

    @Test
    void the_flow_speaks_to_forges_and_labs_only_through_their_ports() {
        noClasses().that().resideInAPackage("dev.labgate.flow..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.labgate.forge..", "dev.labgate.lab..",
                        "org.kohsuke..", "org.gitlab4j..", "org.eclipse.jgit..")
                .check(classes);
    }
}
