import Glibc

/// The shared statistics of the `spike`, `shift` and `score` detectors of one channel, per sample:
///
/// 1. the seasonal baseline predicts the sample (when a period is known) and the residual u = x − prediction;
/// 2. the robust z of u against recently accepted residuals (``SpikeModel``), and its surprise: how rare such a
///    deviation is on this channel (``TailHistogram``, a long memory of the channel's own statistics);
/// 3. the level: the median of the last `levelWindow` residuals against the spike model's median, in robust σ
///    (a short excursion cannot move it), with its surprise; and a CUSUM of the level (allowance `cusumK`) that
///    accumulates a drift the recent normal follows, with its surprise;
/// 4. novelty: a sample beyond the channel's long-term range (``LongTermRange``) by `noveltyMargin` of its width
///    needs less surprise to count (`noveltyDiscount` below the alarm level);
/// 5. excursions: a flagged sample (|z| ≥ `learnZ`, or novel) starts one; it ends after `returnSamples` samples in a
///    row back within `returnZ` (the level too), or after 4 × `spikeLength` samples; one the level did not follow
///    (never `shiftMinimum` off during it: at most `spikeLength` flagged samples in a row, or chatter) is a spike,
///    reported when it is over, with its peak sample;
/// 6. the spike model learns u unless it was flagged (or the level has been off for `relearn` samples: the new
///    normal), and never a value frozen on a signal that normally moves (flatline's);
/// 7. the sample joins the seasonal history; when the period changes, the spike model is refilled with the
///    residuals under the new baseline and the statistics and calibrations start over.
///
/// The alarm level is the surprise of one false alarm per `alarmInterval` at the channel's sampling interval; the
/// score is S/(S + alarm level), S the largest surprise, in [0, 1): 0.5 at the alarm level. Nothing is calibrated
/// before the spike model holds a full window: its early z values would stay in the long memory for weeks.
///
/// Fixed memory, allocated in `init`; no allocation per sample.
final class StatisticalCore: @unchecked Sendable {
    private let shared: Shared<StatisticalParameters>
    var parameters: StatisticalParameters { self.shared.value }
    /// The sampling interval, which converts a declared period and the time-based settings to samples.
    private let interval = IntervalEstimator()
    @exclusivity(unchecked) private var lastTime = Double.nan
    /// The sampling interval in use (seconds; 0 until known) and the alarm level at it.
    @exclusivity(unchecked) private(set) var sampling = 0.0
    @exclusivity(unchecked) private(set) var alarmSurprise: Double
    let seasonal: SeasonalBaseline
    let spike: SpikeModel
    /// The last `levelWindow` residuals, sorted.
    private let level: SortedWindow
    /// The channel's values over the long memory.
    private let range = LongTermRange()
    private let spikeCalibration: TailHistogram
    private let levelCalibration: TailHistogram
    private let driftCalibration: TailHistogram
    /// The two-sided CUSUM of the level, restarted once the level has been within the allowance for
    /// `returnSamples` in a row (`calm` counts them).
    @exclusivity(unchecked) private var up = 0.0
    @exclusivity(unchecked) private var down = 0.0
    @exclusivity(unchecked) private var calm = 0
    /// Samples seen.
    @exclusivity(unchecked) private(set) var samples = 0
    /// The ongoing excursion's length in samples (0: none), whether the level went off during it, the samples
    /// back to normal in a row at its end, and its peak.
    @exclusivity(unchecked) private var excursion = 0
    @exclusivity(unchecked) private var levelFollowed = false
    @exclusivity(unchecked) private var flagged = 0
    /// The largest |z| while the level is off (0 while it is normal).
    @exclusivity(unchecked) private var offLevelMax = 0.0
    @exclusivity(unchecked) private var quiet = 0
    @exclusivity(unchecked) private var peak = Peak()
    /// Samples in a row whose level was off by `learnZ` or more.
    @exclusivity(unchecked) private var offLevel = 0
    /// The value before, repeats of it in a row, and the learnt share of samples that moved.
    @exclusivity(unchecked) private var previous = Double.nan
    @exclusivity(unchecked) private var repeats = 0
    @exclusivity(unchecked) private var moving = 0.0

    /// A spike's peak sample, reported once the excursion is over.
    struct Peak {
        var surprise = 0.0
        var z = 0.0
        var value = 0.0
        var time = 0.0
        var expected = 0.0
        /// Beyond the channel's long-term range.
        var novel = false
    }

    struct Output {
        var z: Double
        /// The expected value of the sample (seasonal prediction plus the median residual).
        var expected: Double
        var spikeSurprise: Double
        /// The surprise of the level, or of the drift when that is larger (and the drift is `drifting`).
        var shiftSurprise: Double
        /// The level, signed, in robust σ.
        var level: Double
        /// The larger surprise as a score in [0, 1), 0 before the bank is warm.
        var score: Double
        var warm: Bool
        /// A short excursion ended with this sample: its peak (nil otherwise).
        var spike: Peak?
        /// Samples in the excursion still going on (0: none).
        var excursion: Int
        /// The sample repeats the value of a signal that normally moves, for a while now (a flat run).
        var frozen: Bool
        /// The shift surprise is the drift's: the level has moved steadily to the same side.
        var drifting: Bool
        /// The sample lies beyond the channel's long-term range, with the surprise that makes it count.
        var novel: Bool
        /// The channel's alarm level (see ``StatisticalCore/alarmSurprise``).
        var alarmSurprise: Double
    }

    /// The period the channel declares, seconds (nil: found online).
    private let declaredPeriod: Double?

    convenience init(window: Int, parameters: StatisticalParameters, declaredPeriod: Double? = nil) {
        self.init(history: SampleRing(capacity: window), parameters: parameters, declaredPeriod: declaredPeriod)
    }

    /// `history`: the channel's sample ring, which the seasonal baseline reads and this core pushes into.
    init(history: SampleRing, parameters: StatisticalParameters, declaredPeriod: Double? = nil) {
        self.shared = parameterSets.shared(parameters)
        self.declaredPeriod = declaredPeriod
        self.alarmSurprise = Self.alarmSurprise(parameters, sampling: 1)
        self.seasonal = SeasonalBaseline(history: history, parameters: self.shared)
        self.spike = SpikeModel(parameters: self.shared)
        self.level = SortedWindow(capacity: parameters.levelWindow)
        let memory = parameters.calibrationMinMemory
        // |z| of Gaussian noise has a variance of 1, and the median of m normal values one of about π/(2m).
        self.spikeCalibration = TailHistogram(parameters: parameters, memory: memory,
                                              minBeta: parameters.calibrationMinBeta, gaussianVariance: 1)
        self.levelCalibration = TailHistogram(parameters: parameters, memory: memory, decluster: true,
                                              minBeta: parameters.calibrationMinBetaShift,
                                              gaussianVariance: Double.pi / (2 * Double(parameters.levelWindow)))
        self.driftCalibration = TailHistogram(parameters: parameters, memory: memory, decluster: true,
                                              minBeta: parameters.calibrationMinBetaShift)
    }

    func update(_ x: Double, at t: Double) -> Output {
        let p = self.parameters
        // The sampling interval: from every difference at first, then from one in 16 (it rarely changes).
        if (self.samples < 64 || self.samples & 15 == 0) && !self.lastTime.isNaN {
            let dt = self.interval.add(difference: t - self.lastTime)
            if dt > 0 && dt != self.sampling && self.samples >= 15 { self.adopt(sampling: dt) }
        }
        self.lastTime = t
        // A declared period is converted to samples once the sampling interval is known.
        if let seconds = self.declaredPeriod, self.seasonal.declared == nil, self.sampling > 0 {
            let samples = Int((seconds / self.sampling).rounded())
            if samples >= p.periodMin && samples <= self.seasonal.window / 2 && self.seasonal.adopt(declared: samples) {
                self.rebuild()
            }
        }
        // A flat run: the value repeats, on a signal whose value normally changes from sample to sample.
        let moved = x != self.previous
        self.previous = x
        self.repeats = moved ? 0 : self.repeats + 1
        let frozen = p.frozenRepeats > 0 && self.repeats >= p.frozenRepeats && self.moving >= 0.5
        if self.repeats < p.frozenRepeats { self.moving += ((moved ? 1 : 0) - self.moving) / Double(p.spikeWindow) }

        // With a period, a sample is judged once it has a seasonal prediction (a period of history).
        let prediction = self.seasonal.prediction(lag0: 0)
        let predictable = self.seasonal.period == 0 || !prediction.isNaN
        let base = prediction.isNaN ? 0 : prediction
        let u = x - base
        let z = predictable ? self.spike.z(u) : 0
        let expected = base + self.spike.median
        // The statistics are calibrated once the spike model has a full window.
        let settled = predictable && self.spike.window.isFull

        // The level, and the CUSUM of it.
        if u.isFinite && predictable { self.level.add(u) }
        let scale = self.spike.scale
        var level = 0.0
        if self.level.count >= p.levelWindow && scale > 0 {
            level = (self.level.median - self.spike.median) / scale
            if !level.isFinite { level = 0 }
        }
        // While the level is off (a step, a burst), the spike statistic's samples join its history as one value,
        // the stretch's largest, when the level is back: a long stretch would otherwise widen its tail for the whole
        // memory and hide the next spikes.
        var spikeSurprise = 0.0
        if settled {
            let normal = abs(level) < p.learnZ
            if !normal { self.offLevelMax = max(self.offLevelMax, abs(z)) }
            if normal && self.offLevelMax > 0 {
                _ = self.spikeCalibration.update(self.offLevelMax)
                self.offLevelMax = 0
            }
            spikeSurprise = self.spikeCalibration.update(abs(z), learn: normal)
        }
        var shiftSurprise = settled ? self.levelCalibration.update(abs(level)) : 0
        self.up = max(0, self.up + level - p.cusumK)
        self.down = max(0, self.down - level - p.cusumK)
        self.calm = abs(level) < p.cusumK ? self.calm + 1 : 0
        if self.calm >= p.returnSamples {
            self.up = 0
            self.down = 0
        }
        let drift = self.up >= self.down ? self.up : -self.down
        var drifting = false
        if settled {
            let driftSurprise = self.driftCalibration.update(abs(drift))
            if drift * level > 0 && abs(drift) >= p.cusumMinimum && driftSurprise > shiftSurprise {
                shiftSurprise = driftSurprise
                drifting = true
            }
        }
        self.offLevel = abs(level) >= p.learnZ ? self.offLevel + 1 : 0

        // Novelty: beyond the long-term range by a share of its width, and unusual (once the range is learnt).
        var novel = false
        if !frozen && x.isFinite {
            novel = settled && self.samples >= p.warmup && abs(z) >= p.learnZ
                && spikeSurprise >= self.alarmSurprise - p.noveltyDiscount
                && self.range.isNovel(x, margin: p.noveltyMargin)
            self.range.add(x)
        }

        // Excursions: one the level did not follow is a spike, reported when it is over (at most `spikeLength`
        // flagged samples in a row cannot move the level; nor can chatter around the normal).
        var spike: Peak? = nil
        let levelOff = abs(level) >= p.shiftMinimum
        if (abs(z) >= p.learnZ || novel) && !frozen {
            let current = Peak(surprise: spikeSurprise, z: z, value: x, time: t, expected: expected, novel: novel)
            if self.excursion == 0 {
                self.peak = current
                self.levelFollowed = false
                self.flagged = 0
            } else if (novel && !self.peak.novel) || (novel == self.peak.novel && spikeSurprise > self.peak.surprise) {
                self.peak = current
            }
            if levelOff { self.levelFollowed = true }
            self.flagged += 1
            self.quiet = 0
            self.excursion += 1
        } else if self.excursion > 0 {
            // Back to the normal: |z| and the level within `returnZ`, for `returnSamples` in a row; or too long to
            // be one event (chatter), after 4 × `spikeLength` samples.
            if levelOff { self.levelFollowed = true }
            self.quiet = abs(z) < p.returnZ && abs(level) < p.returnZ ? self.quiet + 1 : 0
            self.excursion += 1
            if self.quiet >= p.returnSamples || frozen || self.excursion > 4 * p.spikeLength {
                // A spike: few flagged samples back to normal, or flagged samples the level never followed.
                let short = self.flagged <= p.spikeLength && self.quiet >= p.returnSamples
                if (short || !self.levelFollowed) && !frozen { spike = self.peak }
                self.excursion = 0
            }
        }

        if !frozen && predictable { self.spike.learn(u, z: z, relearning: self.offLevel >= p.relearn) }
        self.samples += 1
        if self.seasonal.push(x, n: self.samples) { self.rebuild() }
        let warm = settled && self.samples > p.warmup
        var s = max(spikeSurprise, shiftSurprise)
        if novel { s = max(s, self.alarmSurprise + 1) }
        return Output(z: z, expected: expected, spikeSurprise: spikeSurprise, shiftSurprise: shiftSurprise,
                      level: level, score: warm ? s / (s + self.alarmSurprise) : 0, warm: warm, spike: spike,
                      excursion: self.excursion, frozen: frozen, drifting: drifting, novel: novel,
                      alarmSurprise: self.alarmSurprise)
    }

    /// The surprise of one false alarm per `alarmInterval` at `sampling` seconds a sample, at least
    /// `minimumAlarmSurprise`.
    static func alarmSurprise(_ p: StatisticalParameters, sampling: Double) -> Double {
        max(p.minimumAlarmSurprise, log(p.alarmInterval / sampling))
    }

    private func adopt(sampling dt: Double) {
        self.sampling = dt
        self.alarmSurprise = Self.alarmSurprise(self.parameters, sampling: dt)
        let blocks = Double(LongTermRange.blocks)
        self.range.blockLength = Int(min(1e9, max(16, (self.parameters.rangeMemory / dt / blocks).rounded())))
        let memory = max(Double(self.parameters.calibrationMinMemory), self.parameters.calibrationMemory / dt)
        self.spikeCalibration.remember(memory)
        self.levelCalibration.remember(memory)
        self.driftCalibration.remember(memory)
    }

    private func rebuild() {
        let count = min(self.parameters.spikeWindow, self.seasonal.count)
        // Samples too recent in the history to have a seasonal prediction yet are left out: their raw values are
        // not residuals and would inflate the robust scale.
        self.spike.refill({ j in
            let ago = count - j
            return self.seasonal.value(ago: ago) - self.seasonal.prediction(lag0: ago)
        }, count: count)
        self.level.removeAll()
        self.up = 0
        self.down = 0
        self.calm = 0
        self.excursion = 0
        self.offLevel = 0
        self.offLevelMax = 0
        self.spikeCalibration.reset()
        self.levelCalibration.reset()
        self.driftCalibration.reset()
    }
}
