package dev.labgate.forge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PayloadFieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PayloadFields FIELDS = PayloadFields.of("action", "pull_request.number",
            "pull_request.head.sha", "pull_request.head.repo.full_name", "changes.base", "repositories.full_name");

    private static String read(String json) throws IOException {
        return JSON.writeValueAsString(FIELDS.read(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void only_the_named_fields_are_kept_with_the_values_the_document_gives() throws IOException {
        assertThat(read("""
                {"action": "opened", "number": 7, "sender": {"login": "x"},
                 "pull_request": {"number": 7, "title": "t", "head": {"sha": "abc", "ref": "main",
                   "repo": {"full_name": "a/b", "id": 1}}, "body": "long"}}"""))
                .isEqualTo("{\"action\":\"opened\",\"pull_request\":{\"number\":7,\"head\":{\"sha\":\"abc\","
                        + "\"repo\":{\"full_name\":\"a/b\"}}}}");
    }

    @Test
    void the_last_name_of_a_path_is_kept_whole_whatever_it_holds() throws IOException {
        assertThat(read("{\"changes\": {\"base\": {\"ref\": {\"from\": \"main\"}}, \"title\": {\"from\": \"t\"}}}"))
                .isEqualTo("{\"changes\":{\"base\":{\"ref\":{\"from\":\"main\"}}}}");
        assertThat(read("{\"action\": {\"nested\": [1, 2]}, \"pull_request\": {\"number\": null}}"))
                .isEqualTo("{\"action\":{\"nested\":[1,2]},\"pull_request\":{\"number\":null}}");
    }

    @Test
    void a_value_of_another_shape_than_expected_is_kept_as_it_is() throws IOException {
        assertThat(read("{\"pull_request\": \"text\"}")).isEqualTo("{\"pull_request\":\"text\"}");
        assertThat(read("{\"pull_request\": {}}")).isEqualTo("{\"pull_request\":{}}");
        assertThat(read("{\"pull_request\": {\"head\": 12345678901234567890}}"))
                .isEqualTo("{\"pull_request\":{\"head\":12345678901234567890}}");
    }

    @Test
    void a_path_through_an_array_applies_to_each_element() throws IOException {
        assertThat(read("{\"repositories\": [{\"full_name\": \"a/b\", \"id\": 1}, {\"id\": 2}, \"c/d\"]}"))
                .isEqualTo("{\"repositories\":[{\"full_name\":\"a/b\"},{},\"c/d\"]}");
    }

    @Test
    void a_document_that_is_not_an_object_is_read_as_it_is() throws IOException {
        assertThat(FIELDS.read(new byte[0])).isSameAs(MissingNode.getInstance());
        assertThat(FIELDS.read(" \n".getBytes(StandardCharsets.UTF_8))).isSameAs(MissingNode.getInstance());
        assertThat(read("[1, {\"action\": 2}]")).isEqualTo("[1,{\"action\":2}]");
        assertThat(read("null")).isEqualTo("null");
    }

    @Test
    void a_document_that_is_not_json_is_refused_even_where_nothing_is_kept() {
        assertThatThrownBy(() -> read("{\"action\": \"opened\", \"other\": [1, 2}"))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> read("{\"action\": \"opened\", \"other\": {\"a\": ")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> read("{\"action\": tru}")).isInstanceOf(IOException.class);
    }
}
