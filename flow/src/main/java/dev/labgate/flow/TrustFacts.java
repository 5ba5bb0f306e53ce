package dev.labgate.flow;

import dev.labgate.config.Maintainers;
import dev.labgate.config.PersonFacts;
import dev.labgate.config.Policy;
import dev.labgate.config.PolicyParser;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.forge.ForgeFacts;
import dev.labgate.core.trust.SignerKeys;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Gathers, read-only, what the trust rules need to know from a forge: the policy extension and
 * MAINTAINERS file of the default branch, a person's permission and teams, their signing keys.
 * Nothing is ever read from the change under test: a fork can never change the policy.
 */
public final class TrustFacts {

    /** The policy for one repository, and what happened to its extension, in words. */
    public record Extended(Policy policy, Optional<String> note) {
    }

    private final ForgeFacts forge;
    private final PolicyParser parser;

    public TrustFacts(ForgeFacts forge, PolicyParser parser) {
        this.forge = forge;
        this.parser = parser;
    }

    /**
     * The operator's policy, extended by the repository's own file on its default branch when the
     * operator allows one. An extension that is not valid is ignored (and said so): the operator's
     * policy applies alone.
     */
    public Extended policyFor(Policy operator, RepoRef repo) {
        var rule = operator.repository(repo);
        if (rule.isEmpty() || rule.get().extension().isEmpty()) {
            return new Extended(operator, Optional.empty());
        }
        var path = rule.get().extension().get();
        var text = forge.fileOnDefaultBranch(repo, path);
        if (text.isEmpty()) {
            return new Extended(operator, Optional.empty());
        }
        var result = parser.extend(operator, rule.get(), text.get());
        if (!result.valid()) {
            return new Extended(operator, Optional.of(path + " on the default branch of " + repo.fullName()
                    + " is ignored: " + String.join("; ", result.errors().stream().map(Object::toString).toList())));
        }
        return new Extended(result.policy().orElseThrow(), Optional.of("extended by " + path
                + " on the default branch"));
    }

    /** The person's permission, and their membership of every team the policy names. */
    public PersonFacts person(Policy policy, RepoRef repo, Person person) {
        var teams = new LinkedHashSet<String>(policy.trust().teams());
        teams.addAll(policy.trust().maintainers().teams());
        var membership = new LinkedHashMap<String, Boolean>();
        for (var team : teams) {
            membership.put(team, forge.memberOf(team, person));
        }
        return new PersonFacts(person, forge.permission(repo, person), membership);
    }

    /** The MAINTAINERS file of the default branch, when the policy names one and it exists. */
    public Optional<Maintainers> maintainersFile(Policy policy, RepoRef repo) {
        return policy.trust().maintainers().maintainersFile()
                .flatMap(path -> forge.fileOnDefaultBranch(repo, path))
                .map(Maintainers::parse);
    }

    /**
     * The keys whose signatures count: the operator's keyring and allowed signers and, when the
     * policy allows it and the author is trusted, the keys the forge lists for the author.
     */
    public SignerKeys keys(Policy policy, Person author, boolean authorTrusted) {
        var signatures = policy.trust().signatures();
        var forgeKeys = signatures.forgeKeys() && authorTrusted
                ? forge.signingKeys(author).stream().map(k -> new SignerKeys.ForgeKey(author.login(), k)).toList()
                : List.<SignerKeys.ForgeKey>of();
        return new SignerKeys(signatures.openPgpKeyring(), signatures.sshAllowedSigners(), forgeKeys);
    }

    /** The paths the change touches, as the forge computes them. */
    public List<String> changedFiles(ChangeRef change) {
        return forge.changedFiles(change);
    }
}
