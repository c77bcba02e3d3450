package dev.tokengate.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.HttpConversionUtil;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class UpstreamHeadersFilterTest {

    /** Fails, naming the new header, when a Netty upgrade adds a conversion header under another prefix. */
    @Test
    void everyHttp2ConversionHeaderNettyWritesIsRecognised() {
        assertThat(Arrays.stream(HttpConversionUtil.ExtensionHeaderNames.values())
                        .map(name -> name.text().toString()))
                .isNotEmpty()
                .allMatch(UpstreamHeadersFilter::isHttp2Conversion);
    }

    @Test
    void anySpellingOfTheConversionPrefixIsRecognisedAndNothingElse() {
        assertThat(UpstreamHeadersFilter.isHttp2Conversion("X-HTTP2-Scheme")).isTrue();
        assertThat(UpstreamHeadersFilter.isHttp2Conversion("x_http2_stream_id")).isTrue();
        assertThat(UpstreamHeadersFilter.isHttp2Conversion("X-Http2_Path")).isTrue();
        assertThat(UpstreamHeadersFilter.isHttp2Conversion("x-http2")).isFalse();
        assertThat(UpstreamHeadersFilter.isHttp2Conversion("x-http2settings")).isFalse();
        assertThat(UpstreamHeadersFilter.isHttp2Conversion("HTTP2-Settings")).isFalse();
    }
}
