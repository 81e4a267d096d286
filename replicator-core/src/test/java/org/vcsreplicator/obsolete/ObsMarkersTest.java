package org.vcsreplicator.obsolete;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vcsreplicator.message.NodeId;

/** The decoding vectors of the original's test-obsmarkers-dump.t, plus format 1 and failures. */
class ObsMarkersTest {

  // test-obsmarkers-dump.t: one rewrite marker.
  static final String REWRITE =
      "0096106hRrrvtb3n{p3QPjH%`e(f=Wx*E-WXguWQVT*bSa5J>he{3kS!1uyrVRU6WF*G+ZIXF2nG&U|aFgP$dG9WMj"
          + "b#rBMI#gwIbRbo8WpW@qb8l^BZ*FBkWq4t2aBO8RV{dIf";
  // test-obsmarkers-dump.t: a prune marker.
  static final String PRUNE =
      "00000051S%v{hB2A5EP{3fxZ~)30NZk7N{NVRU6WF*G+aFgG<aGchhWG%`0fHy|(ob#rBMI&yDsbU<P=H8)~oHe)$sIWY";
  // test-obsmarkers-dump.t: two markers in one value.
  static final String TWO =
      "0096106hR>)mG|TpRWkW#2943{I5M%`G&|ROwrkft0ao94f~pqFMDi)J+8!LVRU6WF*G+aFgG_iI5sXfH8(IhHy|(o"
          + "b#rBMI#gwIbRbo8WpW@qb8l^BZ*FBkWq4t2aBO8RV{dIf0RR91JphN&(gi8!9g?_5@w(Yej=KOLGB79Y+juY^Xln?R"
          + "+S;Ptw%@x50V8B#bY(g*G&eFZH#ayqHZC_cH#IakATR)Rb7gWmRAqB?AXRf^av(f&Z*667Ze>7acwudDY-KKEZ*4v";
  // Made with Mercurial 6.3's _fm1encodeonemarker: parents, UTF-8 user, unsorted metadata, tz -3600.
  static final String FORMAT1 =
      "0RR91d_mS)3&0Qn0RO}Q00994O{W95^_y}JQcrN2pnmN!g1Q>beP}%7<zb6@3UD*D(tm6yvcUJkcT<iW<i5rCs>O<Y?4"
          + "sHZIOz&<1Q!Vfb#rBMO2fQzXJu|6JZeB?cwudDY-KKEZ*4wraAk5~bZKvHVQpn@WB";
  // Made with _fm0encodeonemarker: a prune recording its parent (p1), tz 7200.
  static final String FORMAT0_WITH_PARENT =
      "0000007(E%rvtb3n{p3QPjH%`e(f=Wx*E-7VRU6WF*PtSFfcGMFfcAPAU85FFaU5dIyW~pGdN{2V`VgAWn(pFH(_C8H8"
          + "^26V`XDuGGt*eWivQsIWS>2G5~dRWpX-r";

  @Test
  void decodesRewriteMarker() throws Exception {
    List<ObsMarker> markers = ObsMarkers.decodePushkeyValue(REWRITE);
    assertEquals(1, markers.size());
    ObsMarker m = markers.get(0);
    assertEquals(NodeId.of("4da703b7f59b720f524f709aa07eed3182ba1acd"), m.precursor());
    assertEquals(NodeId.listOf("7d683ce4e5618b7a0a7033b4d27f6c28b2c0f7c2"), m.successors());
    assertEquals(0, m.flags());
    assertEquals(List.of(Map.entry("user", "Test User <someone@example.com>")), m.metadata());
    assertEquals(1471989146.608092, m.date());
    assertEquals(0, m.timezoneOffset());
    assertEquals(Optional.empty(), m.parents());
    assertEquals(Optional.of("Test User <someone@example.com>"), m.user());
  }

  @Test
  void decodesPruneMarkerWithoutSuccessors() throws Exception {
    ObsMarker m = ObsMarkers.decodePushkeyValue(PRUNE).get(0);
    assertEquals(NodeId.of("67b45555a21f4d9d470adc4f1ed3af63918f6414"), m.precursor());
    assertTrue(m.isPrune());
    assertEquals(Optional.of("root@b357bc6c9c91"), m.user());
    assertEquals(1472075231.842767, m.date());
  }

  @Test
  void decodesSeveralMarkersInOrder() throws Exception {
    List<ObsMarker> markers = ObsMarkers.decodePushkeyValue(TWO);
    assertEquals(2, markers.size());
    assertEquals(NodeId.of("63d556ea5b9faf08c8c41864c1fcaf3d57f986c8"), markers.get(0).precursor());
    assertEquals(NodeId.listOf("274cd1d986ab248aae0dfb9a902f7b6c823daec4"), markers.get(0).successors());
    assertEquals(NodeId.of("87d2d20529e71d92b847f1bad94c8ebb00203230"), markers.get(1).precursor());
    assertEquals(NodeId.listOf("27eddb78301f686b0894dadaa2deb6dfbb080123"), markers.get(1).successors());
    assertEquals(1472077886.757097, markers.get(0).date());
    assertEquals(1472077886.757548, markers.get(1).date());
  }

  @Test
  void decodesFormat0Parents() throws Exception {
    ObsMarker m = ObsMarkers.decodePushkeyValue(FORMAT0_WITH_PARENT).get(0);
    assertTrue(m.isPrune());
    assertEquals(Optional.of(NodeId.listOf("77538e1ce4bec5f7aac58a7ceca2da0e38e90a72")), m.parents());
    assertEquals(List.of(Map.entry("user", "x")), m.metadata());
    assertEquals(1500000000.5, m.date());
    assertEquals(7200, m.timezoneOffset());
  }

  @Test
  void decodesFormat1() throws Exception {
    ObsMarker m = ObsMarkers.decodePushkeyValue(FORMAT1).get(0);
    assertEquals(NodeId.of("4da703b7f59b720f524f709aa07eed3182ba1acd"), m.precursor());
    assertEquals(NodeId.listOf("7d683ce4e5618b7a0a7033b4d27f6c28b2c0f7c2"), m.successors());
    assertEquals(
        List.of(Map.entry("user", "J\u00fcrgen <j@example.com>"), Map.entry("operation", "amend")),
        m.metadata());
    assertEquals(1500000000.25, m.date());
    assertEquals(-3600, m.timezoneOffset());
    assertEquals(Optional.of(NodeId.listOf("77538e1ce4bec5f7aac58a7ceca2da0e38e90a72")), m.parents());
  }

  @Test
  void base85RoundTripsEveryTailLength() {
    byte[] data = "obsolescence!".getBytes(StandardCharsets.US_ASCII);
    for (int n = 0; n <= data.length; n++) {
      byte[] part = java.util.Arrays.copyOf(data, n);
      assertArrayEquals(part, Base85.decode(Base85.encode(part)), "length " + n);
    }
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    assertArrayEquals(all, Base85.decode(Base85.encode(all)));
    assertEquals(REWRITE, Base85.encode(Base85.decode(REWRITE)));
  }

  @Test
  void rejectsBadInput() {
    MalformedObsMarkersException notBase85 =
        assertThrows(MalformedObsMarkersException.class, () -> ObsMarkers.decodePushkeyValue("00\"00"));
    assertTrue(notBase85.getMessage().contains("position 2"), notBase85.getMessage());
    assertThrows(MalformedObsMarkersException.class, () -> ObsMarkers.decode(new byte[0]));
    MalformedObsMarkersException version =
        assertThrows(MalformedObsMarkersException.class, () -> ObsMarkers.decode(new byte[] {7, 1}));
    assertTrue(version.getMessage().contains("version 7"), version.getMessage());
    byte[] whole = Base85.decode(REWRITE);
    byte[] truncated = java.util.Arrays.copyOf(whole, 30);
    MalformedObsMarkersException cut =
        assertThrows(MalformedObsMarkersException.class, () -> ObsMarkers.decode(truncated));
    assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());
    byte[] shortMeta = java.util.Arrays.copyOf(whole, whole.length - 3);
    assertThrows(MalformedObsMarkersException.class, () -> ObsMarkers.decode(shortMeta));
  }
}
