package dev.labgate.bot;

import dev.labgate.bot.store.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run pages in a real browser: headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}) opens {@code /runs} on the running service, filters it, follows a run's
 * link, follows the link to another lab of the same head, and opens {@code /labs}. Screenshots at
 * a phone's width and a desktop's are kept under {@code bot/target/screenshots/}. Where Chromium or
 * its driver is missing the test is skipped with the reason.
 */
class RunPagesBrowserTest {

    static final Path CHROMIUM = Path.of(System.getProperty("labgate.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("labgate.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    static Path root;
    private static RunningLabgate labgate;
    private static SeededRuns.Ids ids;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM
                + " (apt-get install chromium chromium-driver)");
        Assumptions.assumeTrue(Files.isExecutable(CHROMEDRIVER), "chromedriver is not installed at " + CHROMEDRIVER
                + " (apt-get install chromium-driver)");
        labgate = new RunningLabgate(RunPagesServiceTest.properties(root.resolve("labgate")));
        ids = SeededRuns.seed(labgate.bean(Database.class), Instant.now().minus(Duration.ofHours(1)));
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // The network is closed here: without these, Chromium waits on its own connections.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + root.resolve("chromium-profile"));
        var service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (labgate != null) {
            labgate.close();
        }
    }

    @Test
    void a_contributor_finds_the_failed_run_follows_its_links_and_reads_it_on_a_phone_and_a_desktop()
            throws IOException {
        browser.manage().window().setSize(new Dimension(1280, 2200));
        browser.get(labgate.url().resolve("/runs").toString());
        assertThat(browser.getTitle()).isEqualTo("Runs · labgate");
        assertThat(browser.findElements(By.cssSelector("tbody tr"))).hasSize(5);
        screenshot("runs-desktop");

        new Select(browser.findElement(By.name("state"))).selectByVisibleText("failed");
        browser.findElement(By.cssSelector("form.filters button")).click();
        assertThat(browser.getCurrentUrl()).contains("state=failed");
        var rows = browser.findElements(By.cssSelector("tbody tr"));
        assertThat(rows).hasSize(1);
        rows.get(0).findElement(By.linkText("local")).click();

        assertThat(browser.getCurrentUrl()).endsWith("/runs/" + ids.failed());
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("local failed");
        // Escaped text is shown as text, and no script from the data ran (an alert would fail the driver).
        assertThat(browser.findElement(By.cssSelector("#failures + p + ul, #regressions + p + ul")).getText())
                .contains(SeededRuns.HOSTILE_PATH, SeededRuns.HOSTILE_EXCERPT);
        assertThat(browser.findElement(By.xpath("//h3[.='Commit message']/following-sibling::pre[1]")).getText())
                .isEqualTo(SeededRuns.HOSTILE_MESSAGE);
        assertThat(browser.findElements(By.tagName("img"))).isEmpty();
        screenshot("run-desktop");

        browser.manage().window().setSize(new Dimension(390, 2400));
        browser.navigate().refresh();
        var width = ((Number) ((ChromeDriver) browser).executeScript(
                "return document.documentElement.scrollWidth")).longValue();
        var viewport = ((Number) ((ChromeDriver) browser).executeScript(
                "return document.documentElement.clientWidth")).longValue();
        assertThat(width).as("nothing is wider than a phone's screen").isLessThanOrEqualTo(viewport);
        screenshot("run-phone");

        browser.findElement(By.linkText("qemu-arm64")).click();
        assertThat(browser.getCurrentUrl()).endsWith("/runs/" + ids.running());
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("qemu-arm64 running");
        assertThat(browser.findElement(By.cssSelector("section.box")).getText()).contains("Running on qemu-arm64.",
                "booting on rk3399-rock-pi-4b", "reloads itself");

        browser.findElement(By.linkText("Labs")).click();
        assertThat(browser.getTitle()).isEqualTo("Labs · labgate");
        List<String> labs = browser.findElements(By.cssSelector("tbody tr td:first-child strong")).stream()
                .map(e -> e.getText()).toList();
        assertThat(labs).containsExactly("local", "qemu-arm64");
        screenshot("labs-phone");
    }

    @Test
    void the_pages_follow_the_browsers_dark_or_light_preference() throws IOException {
        var chrome = (ChromeDriver) browser;
        browser.manage().window().setSize(new Dimension(1280, 2200));
        for (var scheme : List.of("light", "dark")) {
            chrome.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                    List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
            browser.get(labgate.url().resolve("/runs/" + ids.failed()).toString());
            var background = chrome.executeScript("return getComputedStyle(document.body).backgroundColor");
            assertThat(background).as(scheme).isEqualTo(scheme.equals("dark") ? "rgb(13, 17, 23)" : "rgb(255, 255, 255)");
            screenshot("run-desktop-" + scheme);
        }
        chrome.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
    }

    private static void screenshot(String name) throws IOException {
        var png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
        var file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, png);
        assertThat(new File(file.toString()).length()).isGreaterThan(1000);
    }
}
