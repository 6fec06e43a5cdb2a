{
  # lobsim_pgo: "" (a plain build), "generate" (only the instrumented training program of the
  # profile-guided build) or "use" (the addon, its core compiled with the training's profile).
  # scripts/build-addon.mjs drives the three. After it, a bare `node-gyp build` of an edited core
  # still reads the old profile: a function that no longer matches it is compiled without one (a
  # warning, not an error); `npm run build:addon` trains again.
  "variables": {
    "lobsim_pgo%": "",
    "lobsim_cflags_cc": ["-std=c++20", "-O3", "-fno-plt", "-fno-semantic-interposition", "-Wall", "-Wextra"]
  },
  "conditions": [
    ["lobsim_pgo=='generate'", {
      "targets": [
        {
          "target_name": "lobsim_pgo_train",
          "type": "executable",
          "sources": [
            "<!@(node -e \"const fs=require('fs');for(const f of fs.readdirSync('native/core').filter(f=>f.endsWith('.cpp')))console.log('native/core/'+f)\")",
            "native/pgo/train.cpp"
          ],
          "include_dirs": ["native/core"],
          "cflags_cc": ["<@(lobsim_cflags_cc)", "-fprofile-generate", "-fprofile-update=single"],
          "cflags_cc!": ["-std=gnu++17", "-fno-exceptions"],
          "cflags!": ["-fno-exceptions"],
          "ldflags": ["-fprofile-generate", "-pthread"]
        }
      ]
    }, {
      "targets": [
        {
          "target_name": "lobsim",
          "sources": [
            "<!@(node -e \"const fs=require('fs');for(const d of ['native/addon','native/core'])for(const f of fs.readdirSync(d).filter(f=>f.endsWith('.cpp')))console.log(d+'/'+f)\")"
          ],
          "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native/core"],
          "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except_all"],
          "defines": ["NAPI_VERSION=8"],
          "cflags_cc": ["<@(lobsim_cflags_cc)"],
          "cflags_cc!": ["-std=gnu++17", "-fno-exceptions"],
          "cflags!": ["-fno-exceptions"],
          "conditions": [
            ["lobsim_pgo=='use'", {
              "cflags_cc": ["-fprofile-use", "-fprofile-partial-training", "-Wno-missing-profile", "-Wno-error=coverage-mismatch"]
            }]
          ]
        }
      ]
    }]
  ]
}
