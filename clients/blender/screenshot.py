"""Screenshot of the add-on's panel for the README (docs/blender-panel.png), with sample values:
    clients/blender/make-zip /tmp/w.zip
    HOME=$(mktemp -d) xvfb-run -a -s "-screen 0 1000x1500x24" blender --factory-startup \\
        --python clients/blender/screenshot.py -- /tmp/w.zip /tmp/panel.png
    ffmpeg -i /tmp/panel.png -vf crop=826:392:0:726 docs/blender-panel.png
It turns the 3D viewport into a Properties editor on the Render tab and captures it."""

import sys
import bpy

zip_path, out = sys.argv[sys.argv.index("--") + 1:]
bpy.ops.preferences.addon_install(filepath=zip_path, overwrite=True)
bpy.ops.preferences.addon_enable(module="warren_submit")
prefs = bpy.context.preferences.addons["warren_submit"].preferences
prefs.master_url = "http://farm.studio:8420"
prefs.farm_dir = "/mnt/farm/submitted/"
scene = bpy.context.scene
s = scene.warren
s.title = "sh010 lighting"
s.frames_per_task = 5
s.priority = 60
s.queue = "lighting"
s.tags = "linux"
s.encode_movie = True
s.last_job = 1284
for job_id, title, state, progress in [(1283, "sh010 lighting", "done", 100.0), (1284, "sh010 lighting (movie)", "running", 40.0)]:
    item = s.recent.add()
    item.job_id, item.title, item.state, item.progress = job_id, title, state, progress

bpy.context.preferences.view.show_splash = False
scene.render.engine = "CYCLES"

def biggest(win, kind):
    return max((a for a in win.screen.areas if a.type == kind), key=lambda a: a.width * a.height)

def shoot():
    window = bpy.context.window_manager.windows[0]
    biggest(window, "VIEW_3D").type = "PROPERTIES"
    bpy.app.timers.register(show_render, first_interval=1.0)

def show_render():
    window = bpy.context.window_manager.windows[0]
    biggest(window, "PROPERTIES").spaces[0].context = "RENDER"
    bpy.app.timers.register(capture, first_interval=2.0)

def capture():
    win = bpy.context.window_manager.windows[0]
    area = biggest(win, "PROPERTIES")
    with bpy.context.temp_override(window=win, area=area):
        bpy.ops.screen.screenshot_area(filepath=out)
    bpy.ops.wm.quit_blender()

bpy.app.timers.register(shoot, first_interval=2.0)
